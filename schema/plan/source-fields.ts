/**
 * The options of the fields that say where a quoted text comes from, the same on a plan, a
 * target and another wording of a target. Each call returns fresh options for one `@Field`.
 */
export const sourceFieldOptions = {
  quoteLanguage: () => ({ description: "Language of the quote: 'vi', 'en' or 'ko'." }),
  sourceUrl: () => ({ nullable: true, description: 'Address of the source.' }),
  sourceFile: () => ({
    nullable: true,
    description: 'File and line of the source in the catalog, when it is a plan text.',
  }),
};
