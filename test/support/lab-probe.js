/*
 * Runs inside JupyterLab's page in Chromium (added by test/support/lab-page.ts), as plain
 * JavaScript: it reads what the open notebook shows and watches outputs change. Everything it
 * returns is plain data; the test compares it with the notebook's JSON.
 */
(() => {
  const notebook = () => document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook');
  const cellsOf = (nb) => (nb ? [...nb.querySelectorAll('.jp-Cell')] : []);
  const visible = (element) => {
    const box = element.getBoundingClientRect();
    return element.checkVisibility({ visibilityProperty: true, opacityProperty: true }) && box.width > 0 && box.height > 0;
  };
  const size = (element) => {
    const box = element.getBoundingClientRect();
    return { width: Math.round(box.width), height: Math.round(box.height) };
  };

  /** Each cell of the open notebook: its kind, its prompt, and each output as shown. */
  function renderedCells() {
    return cellsOf(notebook()).map((cell) => ({
      kind: cell.classList.contains('jp-CodeCell') ? 'code' : cell.classList.contains('jp-MarkdownCell') ? 'markdown' : 'raw',
      prompt: (cell.querySelector('.jp-InputArea-prompt')?.textContent ?? '').trim(),
      outputs: [...cell.querySelectorAll('.jp-OutputArea-child .jp-OutputArea-output')].map((output) => ({
        mime: output.getAttribute('data-mime-type') ?? '',
        visible: visible(output),
        ...size(output),
        images: [...output.querySelectorAll('img, svg')]
          .filter((image) => !image.parentElement.closest('svg'))
          .map((image) => ({
            tag: image.tagName.toLowerCase(),
            visible: visible(image),
            loaded: image.tagName.toLowerCase() === 'img' ? image.complete && image.naturalWidth > 0 : true,
            ...size(image),
          })),
        tables: output.querySelectorAll('table').length,
        text: (output.textContent ?? '').slice(0, 200),
      })),
    }));
  }

  /** The input prompt of every code cell, e.g. `[3]:`, `[*]:` or `[ ]:`. */
  function prompts() {
    return cellsOf(notebook())
      .filter((cell) => cell.classList.contains('jp-CodeCell'))
      .map((cell) => (cell.querySelector('.jp-InputArea-prompt')?.textContent ?? '').trim());
  }

  /** True once every image in the open notebook has loaded (or failed for good). */
  function imagesSettled() {
    const nb = notebook();
    return !!nb && [...nb.querySelectorAll('img')].every((image) => image.complete);
  }

  /** True once every output of the open notebook has a size (renderers such as Markdown finish late). */
  function outputsLaidOut() {
    const nb = notebook();
    return !!nb && [...nb.querySelectorAll('.jp-OutputArea-output')].every((output) => output.getBoundingClientRect().height > 0);
  }

  let observer;
  let changes = [];
  const ids = new WeakMap();
  let nextId = 0;
  const idOf = (node) => {
    if (!ids.has(node)) ids.set(node, (nextId += 1));
    return ids.get(node);
  };

  /**
   * Starts recording, for every output node whose own content changes, which node it
   * is, its cell, the type it shows, how many outputs that cell has at the time, and the content.
   */
  function watchOutputs() {
    observer?.disconnect();
    changes = [];
    const nb = notebook();
    observer = new MutationObserver((records) => {
      const touched = new Set();
      for (const record of records) {
        const target = record.target.nodeType === Node.ELEMENT_NODE ? record.target : record.target.parentElement;
        const child = target?.closest('.jp-OutputArea-child');
        if (child) touched.add(child);
      }
      const cells = cellsOf(nb);
      for (const child of touched) {
        const cell = child.closest('.jp-Cell');
        changes.push({
          node: idOf(child),
          mime: child.querySelector('.jp-OutputArea-output')?.getAttribute('data-mime-type') ?? '',
          cell: cells.indexOf(cell),
          outputsInCell: cell ? cell.querySelectorAll('.jp-OutputArea-child').length : -1,
          content: child.querySelector('.jp-OutputArea-output')?.innerHTML.length + ':' + (child.textContent ?? '').slice(0, 300),
        });
      }
    });
    observer.observe(nb, { subtree: true, childList: true, characterData: true, attributes: true });
  }

  /**
   * Stops recording. Returns the nodes that changed in place: one entry per output
   * node with the distinct contents it showed, whether the cell's number of outputs
   * stayed the same through those changes, and whether the node is still in the page.
   */
  function stopWatching() {
    observer?.disconnect();
    observer = undefined;
    const byNode = new Map();
    for (const change of changes) {
      const entry = byNode.get(change.node) ?? { node: change.node, cell: change.cell, mime: change.mime, contents: [], counts: new Set() };
      if (entry.contents[entry.contents.length - 1] !== change.content) entry.contents.push(change.content);
      entry.counts.add(change.outputsInCell);
      entry.mime = change.mime;
      byNode.set(change.node, entry);
    }
    const attached = new Set(
      [...(notebook()?.querySelectorAll('.jp-OutputArea-child') ?? [])].filter((node) => ids.has(node)).map((node) => ids.get(node)),
    );
    return [...byNode.values()].map((entry) => ({
      cell: entry.cell,
      mime: entry.mime,
      distinctContents: entry.contents.length,
      sameNumberOfOutputs: entry.counts.size === 1,
      stillShown: attached.has(entry.node),
      lastContent: (entry.contents[entry.contents.length - 1] ?? '').slice(0, 160),
    }));
  }

  window.mnistLabProbe = { renderedCells, prompts, imagesSettled, outputsLaidOut, watchOutputs, stopWatching };
})();
