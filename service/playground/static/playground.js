// The GraphiQL playground of Position Record. Kept out of the page so the page's
// Content-Security-Policy can forbid inline scripts. Settings come from the JSON block
// the server writes into the page (#playground-config).
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("playground-config").textContent);
  if (typeof GraphiQL === "undefined" || typeof ReactDOM === "undefined") {
    // The server found the files intact, yet the browser did not run them (refused by
    // their integrity hash, or a failed load): say so rather than "Loading..." forever.
    document.getElementById("graphiql").textContent =
      "The playground's files (GraphiQL) did not load in this browser: see its console. " +
      "Reinstalling the service (`pip install -e .` in a checkout) fetches them again.";
    return;
  }
  const endpoint = new URL(config.endpoint, window.location.href);
  const subscriptions = new URL(endpoint);
  subscriptions.protocol = endpoint.protocol === "https:" ? "wss:" : "ws:";
  const params = new URLSearchParams(window.location.search);

  const fetcher = GraphiQL.createFetcher({
    url: endpoint.href,
    subscriptionUrl: subscriptions.href,
  });

  ReactDOM.createRoot(document.getElementById("graphiql")).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      // A shared link (?query=...) wins; else the last tab of this browser; else the example.
      query: params.get("query") || undefined,
      variables: params.get("variables") || undefined,
      defaultQuery: config.exampleQuery,
      // The Authorization header is typed in the Headers tab, opened by default, and kept
      // across reloads in this browser's storage.
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: true,
      defaultEditorToolsVisibility: "headers",
      inputValueDeprecation: true,
      plugins: [GraphiQLPluginExplorer.explorerPlugin()],
    }),
  );
})();
