// The attention explorer, the report of a folder and the served page of image_caption_attention.
// Everything a caption or a file name holds is shown as text (textContent), never parsed as HTML.
(function () {
  'use strict';
  const VERSION = 2;
  if (window.ICA && window.ICA.version >= VERSION) return;
  // matplotlib's inferno in 17 stops, as plot_attention draws attention
  const INFERNO = '000004,0b0724,210c4a,3d0965,57106e,71196e,8a226a,a32c61,bc3754,d24644,e45a31,f1731d,f98e09,fcac11,f9cb35,f2ea69,fcffa4'
    .split(',').map(h => [0, 2, 4].map(i => parseInt(h.slice(i, i + 2), 16)));
  const LUT = Array.from({length: 256}, (_, v) => {
    const x = v / 255 * 16, i = Math.min(Math.floor(x), 15), f = x - i;
    return INFERNO[i].map((c, j) => Math.round(c + f * (INFERNO[i + 1][j] - c)));
  });
  const ALPHA = 0.55;  // the heat's opacity over the image, as in plot_attention
  const SIDE = 384;  // pixels of an explorer's longer side

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // A word's attention: 64 weights scaled to 0–255, from a base64 string of bytes (n × g²) or arrays of numbers
  function wordMaps(att, n, g) {
    if (typeof att === 'string') {
      const raw = atob(att), out = [];
      for (let k = 0; k < n; k++) out.push(Array.from({length: g * g}, (_, i) => raw.charCodeAt(k * g * g + i)));
      return out;
    }
    return att.map(a => { const flat = a.flat(), m = Math.max(...flat, 1e-8); return flat.map(v => v / m * 255); });
  }

  // Bicubic weights (a = −0.5, as PIL's) taking a g-cell axis to n pixels, edges clamped
  function cubicAxis(g, n) {
    const k = t => { t = Math.abs(t); return t <= 1 ? 1.5 * t ** 3 - 2.5 * t ** 2 + 1 : t < 2 ? -0.5 * t ** 3 + 2.5 * t ** 2 - 4 * t + 2 : 0; };
    return Array.from({length: n}, (_, x) => {
      const s = (x + 0.5) * g / n - 0.5, i0 = Math.floor(s);
      return [-1, 0, 1, 2].map(d => [Math.min(Math.max(i0 + d, 0), g - 1), k(s - (i0 + d))]);
    });
  }

  function heatImage(ctx, map, g, W, H) {
    const ax = cubicAxis(g, W), ay = cubicAxis(g, H), rows = [];
    for (let r = 0; r < g; r++) rows.push(ax.map(taps => taps.reduce((s, [i, w]) => s + w * map[r * g + i], 0)));
    const im = ctx.createImageData(W, H);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      const v = Math.round(Math.min(255, Math.max(0, ay[y].reduce((s, [i, w]) => s + w * rows[i][x], 0))));
      const c = LUT[v], o = 4 * (y * W + x);
      im.data[o] = c[0]; im.data[o + 1] = c[1]; im.data[o + 2] = c[2]; im.data[o + 3] = 255;
    }
    return im;
  }

  // The explorer of one item {name, image (a data: or blob: URL), beams: [{words, probs, score, att}], grid}
  function explorer(root, item) {
    root.replaceChildren();
    root.classList.add('ica-x');
    root.tabIndex = 0;
    const g = item.grid || 8;
    const view = el('div', 'ica-view'), canvas = el('canvas', 'ica-canvas'), side = el('div', 'ica-side');
    const beamBar = el('div', 'ica-beams'), words = el('div', 'ica-words'), info = el('div', 'ica-info');
    const hint = el('div', 'ica-hint', 'point at a word, click to keep it, ← → to step');
    view.append(canvas, side); side.append(words, info, beamBar, hint); root.append(view);
    if (item.name) root.prepend(el('div', 'ica-name', item.name));
    const ctx = canvas.getContext('2d'), off = document.createElement('canvas');
    const img = new Image();
    let beam = 0, pinned = 0, shown = 0, maps = [], ready = false;

    function draw(k) {
      shown = k;
      [...words.children].forEach((w, i) => w.classList.toggle('ica-on', i === k));
      const b = item.beams[beam];
      const p = b.probs[k] == null ? '' : `  p = ${b.probs[k].toFixed(2)}`;
      info.textContent = b.words.length ? `“${b.words[k]}”${p}  ·  word ${k + 1} of ${b.words.length}` : '(an empty caption)';
      if (!ready) return;
      const W = canvas.width, H = canvas.height;
      ctx.globalAlpha = 1; ctx.drawImage(img, 0, 0, W, H);
      if (!b.words.length) return;
      off.width = W; off.height = H;
      off.getContext('2d').putImageData(heatImage(ctx, maps[k], g, W, H), 0, 0);
      ctx.globalAlpha = ALPHA; ctx.drawImage(off, 0, 0); ctx.globalAlpha = 1;
    }
    function setBeam(i) {
      beam = i; pinned = 0;
      const b = item.beams[i];
      maps = wordMaps(b.att, b.words.length, g);
      [...beamBar.children].forEach((x, j) => x.classList.toggle('ica-on', j === i));
      words.replaceChildren(...b.words.map((w, k) => {
        const s = el('span', 'ica-w', w);
        if (b.probs[k] != null) s.title = `p = ${b.probs[k].toFixed(3)}`;
        s.addEventListener('mouseenter', () => draw(k));
        s.addEventListener('mouseleave', () => draw(pinned));
        s.addEventListener('click', () => { pinned = k; draw(k); root.focus({preventScroll: true}); });
        return s;
      }));
      draw(0);
    }
    item.beams.forEach((b, i) => {
      const btn = el('button', 'ica-beam', `${i === 0 ? 'best' : 'beam ' + (i + 1)}  ${b.score.toFixed(3)}`);
      btn.title = b.words.join(' ');
      btn.addEventListener('click', () => setBeam(i));
      beamBar.append(btn);
    });
    if (item.beams.length < 2) beamBar.style.display = 'none';
    root.addEventListener('keydown', e => {
      const n = item.beams[beam].words.length;
      if (!n || (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft')) return;
      e.preventDefault();
      pinned = (pinned + (e.key === 'ArrowRight' ? 1 : n - 1)) % n;
      draw(pinned);
    });
    img.onload = () => {  // SIDE pixels on its longer side, up or down, and the heat drawn at the screen's own resolution
      const scale = SIDE / Math.max(img.naturalWidth, img.naturalHeight, 1), dpr = Math.min(window.devicePixelRatio || 1, 2);
      const w = Math.max(1, Math.round(img.naturalWidth * scale)), h = Math.max(1, Math.round(img.naturalHeight * scale));
      canvas.width = Math.round(w * dpr); canvas.height = Math.round(h * dpr);
      canvas.style.width = w + 'px'; canvas.style.height = h + 'px';
      ready = true; draw(shown);
      canvas.dataset.ready = '1';  // for the tests: the image is drawn
    };
    img.onerror = () => { info.textContent = 'the image could not be shown'; canvas.dataset.ready = 'failed'; };
    img.src = item.image;
    setBeam(0);
    return {draw, setBeam, canvas, words};
  }

  // A grid of items with a word filter, rendered a chunk at a time; an item opens in the explorer
  function report(root, data) {
    const CHUNK = 48;
    let items = data.items, shown = items, next = 0;
    const head = el('div', 'ica-head'), filter = el('input', 'ica-filter'), count = el('span', 'ica-count');
    filter.type = 'search'; filter.placeholder = 'filter by word, e.g. dog';
    head.append(el('h1', 'ica-title', data.title || 'Captions'), filter, count);
    const grid = el('div', 'ica-grid'), more = el('div', 'ica-more');
    const dialog = el('div', 'ica-dialog'), panel = el('div', 'ica-panel'), close = el('button', 'ica-close', '×');
    const status = el('div', 'ica-status');
    close.title = 'close (Esc)';
    dialog.append(panel); dialog.hidden = true;
    root.replaceChildren(head);
    if (data.upload) root.append(uploader());
    root.append(status);
    if (data.skipped && data.skipped.length) root.append(skippedList(data.skipped));
    root.append(grid, more, dialog);

    function card(item) {
      const c = el('button', 'ica-card'), im = el('img');
      im.alt = item.name; im.src = item.image; im.loading = 'lazy';
      c.append(im, el('div', 'ica-cap', item.beams[0].words.join(' ') || '(an empty caption)'), el('div', 'ica-file', item.name));
      c.addEventListener('click', () => open(item));
      return c;
    }
    function renderMore() {
      const part = shown.slice(next, next + CHUNK);
      grid.append(...part.map(card));
      next += part.length;
      if (window.icaFirstRender === undefined && part.length) window.icaFirstRender = performance.now();
      requestAnimationFrame(() => {  // the observer calls back only on a change: fill a tall screen here
        if (next < shown.length && more.getBoundingClientRect().top < window.innerHeight + 600) renderMore();
      });
    }
    function reset() {
      const terms = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
      shown = terms.length ? items.filter(it => { const w = new Set(it.beams[0].words.map(x => x.toLowerCase())); return terms.every(t => w.has(t)); }) : items;
      count.textContent = terms.length ? `${shown.length} of ${items.length} images` : `${items.length} images`;
      grid.replaceChildren(); next = 0; renderMore();
    }
    function open(item) {
      dialog.hidden = false;
      const box = el('div');
      panel.replaceChildren(close, box);
      explorer(box, item);
      box.focus({preventScroll: true});
    }
    close.addEventListener('click', () => { dialog.hidden = true; });
    dialog.addEventListener('click', e => { if (e.target === dialog) dialog.hidden = true; });
    document.addEventListener('keydown', e => { if (e.key === 'Escape') dialog.hidden = true; });
    let timer;
    filter.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(reset, 120); });
    new IntersectionObserver(es => { if (es.some(e => e.isIntersecting) && next < shown.length) renderMore(); },
                             {rootMargin: '600px'}).observe(more);
    reset();

    function uploader() {
      const zone = el('label', 'ica-drop'), input = el('input');
      input.type = 'file'; input.accept = 'image/*'; input.multiple = true;
      zone.append(el('span', '', 'drop images here, or click to choose'), input);
      input.addEventListener('change', () => { sendAll([...input.files]); input.value = ''; });
      zone.addEventListener('dragover', () => zone.classList.add('ica-over'));
      zone.addEventListener('dragleave', () => zone.classList.remove('ica-over'));
      window.addEventListener('dragover', e => e.preventDefault());  // a drop anywhere is an upload, not a navigation
      window.addEventListener('drop', e => { e.preventDefault(); zone.classList.remove('ica-over'); sendAll([...e.dataTransfer.files]); });
      return zone;
    }
    async function sendAll(files) { for (const f of files) await send(f); }  // one after another: one status line
    async function send(file) {
      status.textContent = `captioning ${file.name}…`; status.classList.remove('ica-error');
      try {
        const r = await fetch('caption', {method: 'POST', body: file, headers: {'Content-Type': file.type || 'application/octet-stream'}});
        const json = (r.headers.get('content-type') || '').includes('json');
        const res = json ? await r.json() : {error: `${r.status} ${r.statusText}`};
        if (!r.ok) { status.textContent = `${file.name}: ${res.error}`; status.classList.add('ica-error'); return; }
        const item = {name: file.name, image: URL.createObjectURL(file), grid: res.grid,
                      beams: res.captions.map(c => ({words: c.words, probs: c.probs, score: c.score, att: c.attention}))};
        items = [item, ...items]; status.textContent = ''; status.classList.remove('ica-error');
        reset(); open(item);
      } catch (err) { status.textContent = `${file.name}: ${err}`; status.classList.add('ica-error'); }
    }
  }

  function skippedList(skipped) {
    const box = el('details', 'ica-skipped'), list = el('ul');
    box.open = true;
    box.append(el('summary', '', `${skipped.length} image(s) skipped`), list);
    skipped.forEach(([name, why]) => list.append(el('li', '', `${name}: ${why}`)));
    return box;
  }

  // Start every explorer or report whose data is on the page and not yet shown
  function start() {
    document.querySelectorAll('script[type="application/json"][data-ica]').forEach(s => {
      if (s.dataset.done) return;
      s.dataset.done = '1';
      const root = s.parentNode, live = root.querySelector('.ica-live'), still = root.querySelector('.ica-still');
      try {
        const data = JSON.parse(s.textContent);
        live.hidden = false;
        if (data.items) report(live, data); else explorer(live, data);
        if (still) still.hidden = true;
      } catch (err) { live.hidden = true; console.error('image_caption_attention:', err); }  // the still picture stays
    });
  }
  window.ICA = {version: VERSION, explorer, report, start};
})();
window.ICA.start();
