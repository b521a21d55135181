// Browser bootstrap for the GraphQL explorer. Served as a static, same-origin script (no inline
// script, so the page's CSP needs no 'unsafe-inline'); it reads its settings from the JSON data
// block that the page embeds. Globals React, ReactDOM and GraphiQL come from the UMD builds that
// the page loads before this file. Plain ES2017, no build step.
(function () {
  'use strict';

  var configElement = document.getElementById('coopstat-explorer-config');
  var config = JSON.parse(configElement.textContent);

  // Components that inject a <style> element (the dialogs' scroll lock) read this global and put
  // the nonce on it, so the page's CSP can stay at style-src 'self' 'nonce-…'.
  var thisScript = document.currentScript;
  if (thisScript && thisScript.nonce) window.__webpack_nonce__ = thisScript.nonce;

  // GraphiQL updates its idea of the operation name 100 ms after the editor changes, so a run
  // right after switching tabs can carry the previous tab's name ("Unknown operation named …").
  // Drop a name that the query does not define; the server then picks the only operation.
  function withCurrentOperationName(params) {
    var name = params.operationName;
    if (!name || !/^[_A-Za-z][_0-9A-Za-z]*$/.test(name)) return params;
    var defined = new RegExp('\\b(query|mutation|subscription)\\s+' + name + '(?![_0-9A-Za-z])');
    if (defined.test(String(params.query || ''))) return params;
    var copy = {};
    Object.keys(params).forEach(function (key) {
      if (key !== 'operationName') copy[key] = params[key];
    });
    return copy;
  }

  // A plain POST with a JSON body: Apollo Server's CSRF prevention accepts it, and there is no
  // multipart/incremental-delivery path or websocket to go elsewhere.
  function fetcher(params, options) {
    var headers = {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
    };
    var extra = options && options.headers;
    if (extra) {
      Object.keys(extra).forEach(function (name) {
        headers[name.toLowerCase()] = extra[name];
      });
    }
    return fetch(config.endpoint, {
      method: 'POST',
      headers: headers,
      body: JSON.stringify(withCurrentOperationName(params)),
      credentials: 'same-origin',
    }).then(function (response) {
      var type = response.headers.get('content-type') || '';
      if (type.indexOf('json') !== -1) return response.json();
      return response.text().then(function (text) {
        return {
          errors: [
            {
              message:
                'HTTP ' + response.status + ' ' + response.statusText + ': ' + text.slice(0, 500),
            },
          ],
        };
      });
    });
  }

  var props = {
    fetcher: fetcher,
    defaultQuery: config.defaultQuery,
    shouldPersistHeaders: false,
    defaultEditorToolsVisibility: config.showVariables ? 'variables' : false,
  };
  if (config.tabs.length > 0) {
    props.defaultTabs = config.tabs;
    // GraphiQL builds the active tab from these props, not from defaultTabs[0]: without them the
    // first example would open with empty variables.
    props.defaultQuery = config.tabs[0].query;
    if (config.tabs[0].variables) props.variables = config.tabs[0].variables;
  }

  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(
    React.createElement(GraphiQL, props, React.createElement(GraphiQL.Logo, null, config.title)),
  );
})();
