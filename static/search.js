// The static copy's search: Pagefind's UI over every release's index (shards merged in the
// browser, fetching only the chunks a query needs). The live server searches on the server.
const root = document.getElementById('search');
const shards = JSON.parse(root.dataset.shards);
if (shards.length > 0) {
  const ui = new PagefindUI({
    element: '#search',
    bundlePath: shards[0],
    mergeIndex: shards.slice(1).map((bundlePath) => ({ bundlePath })),
    showImages: false,
    showSubResults: false,
  });
  const q = new URLSearchParams(location.search).get('q');
  if (q) ui.triggerSearch(q);
}
