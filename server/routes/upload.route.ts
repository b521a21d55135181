import type { LoadUploadHandler } from '../auth/load-upload.ts';
import type { Authorize } from './authorize.ts';
import { methodNotAllowed, sendJson, setHeaders, type Route } from './respond.ts';

/** Where files are uploaded to be loaded. */
export const LOAD_PATH = '/load';

/**
 * `POST /load`: uploads one file to load (see `auth/load-upload.ts`); needs a `loader` or
 * `admin` key.
 */
export function createUploadRoute(authorize: Authorize, upload: LoadUploadHandler): Route {
  return async (request) => {
    const { req, res, search, state } = request;
    if (request.method !== 'POST') return methodNotAllowed(request, ['POST']);
    const principal = await authorize(request, 'loader');
    if (!principal) return;
    const answer = await upload(req, search, principal);
    if (answer.code) state.errorCodes.push(answer.code);
    if (answer.close) {
      if (!req.complete) res.setHeader('connection', 'close');
      req.resume();
    }
    setHeaders(res, answer.headers ?? {});
    sendJson(res, answer.status, answer.body);
  };
}
