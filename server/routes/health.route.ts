import type { WarehouseReader } from '../../warehouse/store/warehouse-reader.ts';
import { isReadOnly, methodNotAllowed, sendJson, type Route } from './respond.ts';

/** `GET /health` — liveness: the process answers; never touches the warehouse. */
export const healthRoute: Route = (request) => {
  if (!isReadOnly(request.method)) return methodNotAllowed(request, ['GET', 'HEAD']);
  sendJson(request.res, 200, { status: 'ok' }, request.method === 'HEAD');
};

/** `GET /ready` — readiness: a trivial query on the current snapshot; 503 when it fails. */
export function createReadyRoute(reader: WarehouseReader): Route {
  return async (request) => {
    if (!isReadOnly(request.method)) return methodNotAllowed(request, ['GET', 'HEAD']);
    const readiness = await reader.ready();
    sendJson(
      request.res,
      readiness.ok ? 200 : 503,
      {
        status: readiness.ok ? 'ready' : 'not ready',
        dataVersion: readiness.dataVersion,
        schemaVersion: readiness.schemaVersion,
        ...(readiness.detail ? { detail: readiness.detail } : {}),
      },
      request.method === 'HEAD',
    );
  };
}
