/**
 * A fast tokenizer for the XML that spreadsheet programs write in a worksheet part: elements with
 * quoted attributes, text with the five predefined entities and character references, an XML
 * declaration at the very start. It hands the same events as saxes (open tag, close tag — also
 * after a self-closing tag —, text) to the same handler, with no per-character state machine.
 *
 * It accepts only a subset of well-formed XML, and never anything saxes would refuse: whatever
 * falls outside the subset (comments, CDATA, DOCTYPE, processing instructions, a carriage return,
 * a control character, an unknown entity, a non-ASCII name, a mismatched tag, …) makes
 * {@link SheetXmlScanner.write} return false, and the caller reads the part again with saxes,
 * which gives the exact answer (and the exact message) for it.
 */
import type { SaxTag } from './xlsx-parts.reader.ts';

/** What the scanner calls, in document order (the events of saxes the sheet parser uses). */
export interface SheetXmlHandler {
  open(tag: SaxTag): void;
  close(tag: SaxTag): void;
  text(text: string): void;
  /**
   * A whole plain cell, `<c r=… s=… t=…><v>value</v></c>` or `<c …/>` (value `null`), with no
   * other attribute or child: the same as its open, text and close events, in one call.
   */
  plainCell(
    ref: string | undefined,
    type: string | undefined,
    style: string | undefined,
    value: string | null,
  ): void;
}

/**
 * Whether a byte of text or of an attribute value makes the part leave the fast path: XML 1.0
 * forbids it (a control character), or saxes rewrites it (a carriage return). Tabs and new lines
 * are the caller's to judge. Checked on the bytes the tokenizer hands out, not in a pass of its
 * own over every chunk; U+FFFE and U+FFFF, which XML forbids too, are multi-byte characters,
 * found once a value is decoded ({@link utf8Of}).
 */
function isForbidden(code: number): boolean {
  return code < 0x20 && code !== 0x09 && code !== 0x0a;
}

/**
 * Whether the bytes between `from` and `to` hold a byte outside the subset: a forbidden one, or
 * the `]]>` that XML forbids in text.
 */
function outsideText(s: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) {
    const c = s.charCodeAt(k);
    if (c < 0x20) {
      if (c !== 0x09 && c !== 0x0a) return true;
    } else if (c === GT) {
      if (k - 2 >= from && s.charCodeAt(k - 1) === 0x5d && s.charCodeAt(k - 2) === 0x5d)
        return true;
    }
  }
  return false;
}
/** The XML declarations spreadsheet programs write (anything else goes to saxes). */
const DECLARATION =
  /^<\?xml version=(?:"1\.0"|'1\.0')(?: encoding=(?:"[Uu][Tt][Ff]-8"|'[Uu][Tt][Ff]-8'))?(?: standalone=(?:"(?:yes|no)"|'(?:yes|no)'))? ?\?>/;
/** Longest unfinished token carried from one chunk to the next before the fast path gives up. */
const MAX_CARRY = 4 * 1024 * 1024;
const NO_ATTRIBUTES: Readonly<Record<string, string>> = Object.freeze({});

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const EQ = 0x3d;
const AMP = 0x26;
const QUOT = 0x22;
const APOS = 0x27;

/** Whether `code` may start a name in the subset (ASCII letters, `_`, `:`). */
function isNameStart(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0x41 && code <= 0x5a) ||
    code === 0x5f ||
    code === 0x3a
  );
}

/** Whether `code` may continue a name in the subset (also digits, `.`, `-`). */
function isNameChar(code: number): boolean {
  return isNameStart(code) || (code >= 0x30 && code <= 0x39) || code === 0x2e || code === 0x2d;
}

/** XML white space without the carriage return (which sends the part to saxes). */
function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x09;
}

/**
 * The cell most worksheets are made of, as spreadsheet programs write it: `r`, then `s`, then
 * `t`, each of letters and digits only, and a value with no markup, entity, `>` or control
 * character but tab and line feed (so nothing {@link outsideText} refuses). Anything else takes
 * the general path of {@link SheetXmlScanner.plainCell}.
 */
const PLAIN_CELL =
  /<c r="([A-Za-z0-9]+)"(?: s="([A-Za-z0-9]+)")?(?: t="([A-Za-z0-9]+)")?(?:\/>|><v>([^<>&\x00-\x08\x0b-\x1f]*)<\/v><\/c>)/y;

/** A thrown marker: the text is outside the subset. */
class OutsideSubset {}
const OUTSIDE = new OutsideSubset();

/** A byte of a multi-byte UTF-8 character, read as latin1. */
const NON_ASCII = /[\x80-\xff]/;

/**
 * The characters of a value read one byte a character: decoded from UTF-8 when it holds a byte
 * above ASCII (the chunk's bytes were checked to be UTF-8, and a value never ends inside a
 * character, since it ends at ASCII markup); outside the subset when it then holds U+FFFE or
 * U+FFFF, which XML forbids (control characters are ASCII, checked where the value is read).
 */
function utf8Of(bytes: string): string {
  if (!NON_ASCII.test(bytes)) return bytes;
  const text = Buffer.from(bytes, 'latin1').toString('utf8');
  if (text.indexOf('\uFFFE') >= 0 || text.indexOf('\uFFFF') >= 0) throw OUTSIDE;
  return text;
}

/**
 * Tokenizes one worksheet part fed as text chunks that hold its UTF-8 bytes one byte a character
 * (read as latin1, the bytes already checked to be UTF-8): the markup is ASCII, and a byte of a
 * multi-byte character is never one of it, so the scan reads bytes, and only the values it hands
 * out that hold such bytes are decoded ({@link utf8Of}). Decoding the whole part to UTF-16 first
 * cost more than the scan itself. An unfinished token at the end of a chunk is carried to the
 * next; {@link carried} tells how much.
 */
export class SheetXmlScanner {
  private carry = '';
  private readonly open: string[] = [];
  private started = false;
  private rootClosed = false;

  constructor(private readonly handler: SheetXmlHandler) {}

  /** Characters held back from the chunks so far (an unfinished token or trailing text). */
  get carried(): number {
    return this.carry.length;
  }

  /** Scans the next chunk; false when the part is outside the subset (nothing more is emitted). */
  write(chunk: string): boolean {
    let s = this.carry.length === 0 ? chunk : this.carry + chunk;
    this.carry = '';
    // The declaration is the one `<?` allowed, at the very start only (the scan refuses any
    // other `<?` or `<!`, and checks every character it hands out).
    if (!this.started && s.startsWith('<?xml')) {
      const declaration = DECLARATION.exec(s);
      if (declaration === null) {
        if (s.indexOf('?>') >= 0 || s.length > 200) return false;
        this.carry = s;
        return true;
      }
      s = s.slice(declaration[0].length);
    }
    this.started = true;
    try {
      const end = this.scan(s);
      if (end < s.length) {
        this.carry = s.slice(end);
        if (this.carry.length > MAX_CARRY) return false;
      }
      return true;
    } catch (error) {
      if (error === OUTSIDE) return false;
      throw error;
    }
  }

  /** The part ended: true when it was a whole document within the subset. */
  end(): boolean {
    if (!this.rootClosed || this.open.length > 0) return false;
    for (let i = 0; i < this.carry.length; i++)
      if (!isSpace(this.carry.charCodeAt(i))) return false;
    return true;
  }

  /** Emits every whole token of `s`; returns where the unfinished rest begins. */
  private scan(s: string): number {
    const { handler } = this;
    const length = s.length;
    let i = 0;
    while (i < length) {
      const lt = s.indexOf('<', i);
      if (lt < 0) return i; // trailing text: it may end in half an entity
      if (lt > i) this.text(s, i, lt);
      if (lt + 1 >= length) return lt;
      if (s.charCodeAt(lt + 1) === SLASH) {
        const gt = s.indexOf('>', lt + 2);
        if (gt < 0) return lt;
        let nameEnd = lt + 2;
        if (!isNameStart(s.charCodeAt(nameEnd))) throw OUTSIDE;
        while (nameEnd < gt && isNameChar(s.charCodeAt(nameEnd))) nameEnd++;
        for (let k = nameEnd; k < gt; k++) if (!isSpace(s.charCodeAt(k))) throw OUTSIDE;
        const name = s.slice(lt + 2, nameEnd);
        if (this.open.length === 0 || this.open.pop() !== name) throw OUTSIDE;
        if (this.open.length === 0) this.rootClosed = true;
        handler.close({ name, attributes: NO_ATTRIBUTES, isSelfClosing: false });
        i = gt + 1;
        continue;
      }
      const cell = this.open.length > 0 ? this.plainCell(s, lt) : 0;
      if (cell > 0) {
        i = cell;
        continue;
      }
      if (cell < 0) return lt;
      const next = this.tag(s, lt);
      if (next < 0) return lt;
      i = next;
    }
    return length;
  }

  /** An open or self-closing tag at `lt`; returns the index after it, or -1 if unfinished. */
  private tag(s: string, lt: number): number {
    const length = s.length;
    let j = lt + 1;
    if (!isNameStart(s.charCodeAt(j))) throw OUTSIDE;
    while (j < length && isNameChar(s.charCodeAt(j))) j++;
    if (j >= length) return -1;
    const name = s.slice(lt + 1, j);
    if (this.rootClosed) throw OUTSIDE;
    let attributes: Record<string, string> | undefined;
    for (;;) {
      const spaced = j < length && isSpace(s.charCodeAt(j));
      while (j < length && isSpace(s.charCodeAt(j))) j++;
      if (j >= length) return -1;
      const code = s.charCodeAt(j);
      if (code === GT || code === SLASH) {
        let selfClosing = false;
        if (code === SLASH) {
          if (j + 1 >= length) return -1;
          if (s.charCodeAt(j + 1) !== GT) throw OUTSIDE;
          selfClosing = true;
          j++;
        }
        const tag = { name, attributes: attributes ?? NO_ATTRIBUTES, isSelfClosing: selfClosing };
        this.handler.open(tag);
        if (selfClosing) {
          this.handler.close(tag);
          if (this.open.length === 0) this.rootClosed = true;
        } else this.open.push(name);
        return j + 1;
      }
      if (!spaced || !isNameStart(code)) throw OUTSIDE;
      const nameStart = j;
      while (j < length && isNameChar(s.charCodeAt(j))) j++;
      const attribute = s.slice(nameStart, j);
      while (j < length && isSpace(s.charCodeAt(j))) j++;
      if (j >= length) return -1;
      if (s.charCodeAt(j) !== EQ) throw OUTSIDE;
      j++;
      while (j < length && isSpace(s.charCodeAt(j))) j++;
      if (j >= length) return -1;
      const quote = s.charCodeAt(j);
      if (quote !== QUOT && quote !== APOS) throw OUTSIDE;
      const close = s.indexOf(quote === QUOT ? '"' : "'", j + 1);
      if (close < 0) return -1;
      let value = s.slice(j + 1, close);
      let entities = false;
      for (let k = 0; k < value.length; k++) {
        const c = value.charCodeAt(k);
        // `<` is refused by saxes; tabs and new lines it turns into spaces; `>` is left to it.
        if (c === LT || c === GT || c === 0x09 || c === 0x0a || isForbidden(c)) throw OUTSIDE;
        if (c === AMP) entities = true;
      }
      value = utf8Of(value);
      if (entities) value = decodeEntities(value);
      attributes ??= {};
      if (Object.hasOwn(attributes, attribute)) throw OUTSIDE;
      attributes[attribute] = value;
      j = close + 1;
    }
  }

  /**
   * A plain cell at `lt`, handed over whole: returns the index after it, -1 when the buffer ends
   * inside it, 0 when it is not a plain cell (the general path then reads it, event by event).
   */
  private plainCell(s: string, lt: number): number {
    if (s.charCodeAt(lt + 1) !== 0x63) return 0; // c
    PLAIN_CELL.lastIndex = lt;
    const m = PLAIN_CELL.exec(s);
    if (m !== null) {
      const raw = m[4];
      this.handler.plainCell(m[1], m[3], m[2], raw === undefined ? null : utf8Of(raw));
      return PLAIN_CELL.lastIndex;
    }
    const length = s.length;
    let j = lt + 2;
    if (j >= length) return -1;
    let ref: string | undefined;
    let type: string | undefined;
    let style: string | undefined;
    for (;;) {
      const code = s.charCodeAt(j);
      if (code === GT || code === SLASH) break;
      if (code !== 0x20) return j >= length ? -1 : 0;
      const which = s.charCodeAt(j + 1);
      if (s.charCodeAt(j + 2) !== EQ || s.charCodeAt(j + 3) !== QUOT)
        return j + 3 >= length ? -1 : 0;
      const close = s.indexOf('"', j + 4);
      if (close < 0) return -1;
      for (let k = j + 4; k < close; k++) {
        const c = s.charCodeAt(k);
        // Left to the general path: entities, bytes of non-ASCII characters, and what it
        // refuses or saxes rewrites.
        if (c < 0x20 || c === LT || c === GT || c === AMP || c >= 0x80) return 0;
      }
      const value = s.slice(j + 4, close);
      if (which === 0x72 && ref === undefined)
        ref = value; // r
      else if (which === 0x74 && type === undefined)
        type = value; // t
      else if (which === 0x73 && style === undefined)
        style = value; // s
      else return 0;
      j = close + 1;
    }
    if (s.charCodeAt(j) === SLASH) {
      if (j + 1 >= length) return -1;
      if (s.charCodeAt(j + 1) !== GT) return 0;
      this.handler.plainCell(ref, type, style, null);
      return j + 2;
    }
    // <v>…</v></c>
    if (j + 4 > length) return -1;
    if (!s.startsWith('<v>', j + 1)) return 0;
    const valueStart = j + 4;
    const valueEnd = s.indexOf('<', valueStart);
    if (valueEnd < 0 || valueEnd + 8 > length) return -1;
    if (!s.startsWith('</v></c>', valueEnd)) return 0;
    if (outsideText(s, valueStart, valueEnd)) return 0; // the general path refuses it
    const raw = utf8Of(s.slice(valueStart, valueEnd));
    this.handler.plainCell(ref, type, style, raw.indexOf('&') < 0 ? raw : decodeEntities(raw));
    return valueEnd + 8;
  }

  /** Text between tags: outside the root only white space; entities decoded. */
  private text(s: string, from: number, to: number): void {
    if (this.open.length === 0) {
      for (let k = from; k < to; k++) if (!isSpace(s.charCodeAt(k))) throw OUTSIDE;
      return;
    }
    if (outsideText(s, from, to)) throw OUTSIDE;
    const raw = utf8Of(s.slice(from, to));
    this.handler.text(raw.indexOf('&') < 0 ? raw : decodeEntities(raw));
  }
}

const NAMED: Readonly<Record<string, string>> = {
  lt: '<',
  gt: '>',
  amp: '&',
  quot: '"',
  apos: "'",
};

/** Decodes the predefined entities and character references; anything else is outside. */
function decodeEntities(text: string): string {
  let out = '';
  let from = 0;
  for (let amp = text.indexOf('&'); amp >= 0; amp = text.indexOf('&', from)) {
    const semi = text.indexOf(';', amp + 1);
    if (semi < 0) throw OUTSIDE;
    const ref = text.slice(amp + 1, semi);
    let decoded: string | undefined;
    if (ref.charCodeAt(0) === 0x23) {
      const hex = ref.charCodeAt(1) === 0x78;
      const digits = ref.slice(hex ? 2 : 1);
      if (!(hex ? /^[0-9A-Fa-f]{1,6}$/ : /^[0-9]{1,7}$/).test(digits)) throw OUTSIDE;
      const code = parseInt(digits, hex ? 16 : 10);
      if (!isXmlChar(code)) throw OUTSIDE;
      decoded = String.fromCodePoint(code);
    } else {
      decoded = Object.hasOwn(NAMED, ref) ? NAMED[ref] : undefined;
      if (decoded === undefined) throw OUTSIDE;
    }
    out += text.slice(from, amp) + decoded;
    from = semi + 1;
  }
  return out + text.slice(from);
}

/** XML 1.0's Char production. */
function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}
