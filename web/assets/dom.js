// A tiny element builder. Text always goes in as text nodes, never as HTML: the only HTML the UI inserts is a README
// that the registry rendered and sanitized (setSanitizedHtml).

/** h('a', {href: '#/x', class: 'c', onclick: fn}, 'text', child…) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces the children of el. */
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/**
 * README HTML from the registry: rendered by commonmark-java and sanitized by the OWASP sanitizer when first asked for
 * (no script, no event handlers, http(s) links only). The page's Content-Security-Policy allows no inline
 * script either, so a sanitizer miss still runs nothing.
 */
export function setSanitizedHtml(el, html) {
  const tpl = document.createElement('template');
  tpl.innerHTML = html;
  for (const a of tpl.content.querySelectorAll('a[href^="http"]')) a.setAttribute('target', '_blank');
  el.replaceChildren(tpl.content);
}

/** A button that copies text, for commands and checksums. */
export function copyButton(text, label = 'Copy') {
  const b = h('button', {type: 'button', class: 'copy', 'aria-label': `${label}: ${text}`}, label);
  b.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(text);
      b.textContent = 'Copied';
    } catch {
      b.textContent = 'Select and copy';
    }
    setTimeout(() => { b.textContent = label; }, 1500);
  });
  return b;
}

export function date(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return h('time', {datetime: iso, title: iso}, d.toLocaleDateString(undefined, {year: 'numeric', month: 'short', day: 'numeric'}));
}

export function bytes(n) {
  if (n == null) return '—';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** A count with thousands separators (downloads); '—' when unknown. */
export function count(n) {
  return n == null ? '—' : Number(n).toLocaleString('en-US');
}

/** A message region the screen reader reads out. */
export function notice(kind, ...children) {
  return h('div', {class: `notice ${kind}`, role: kind === 'error' ? 'alert' : 'status'}, ...children);
}
