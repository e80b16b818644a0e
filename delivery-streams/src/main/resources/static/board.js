'use strict';
// The delivery board: columns by status, paged from GET /deliveries?status=, moved live by GET /board/events (SSE).
// Plain JavaScript, no libraries: everything it needs is served by delivery-streams itself.

const STATUSES = ['AWAITING_COURIER', 'COURIER_ASSIGNED', 'IN_TRANSIT', 'DELIVERED', 'CANCELLED', 'FAILED'];
const LABELS = {
  AWAITING_COURIER: 'Awaiting courier', COURIER_ASSIGNED: 'Courier assigned', IN_TRANSIT: 'In transit',
  DELIVERED: 'Delivered', CANCELLED: 'Cancelled', FAILED: 'Failed'
};
const PAGE = 20;          // cards per column page
const MAX_NEW = 30;       // cards that arrived live, kept on top of a first page
const $ = (id) => document.getElementById(id);

const columns = {};       // status -> {list, count, pager, note, cursors: [], after: null, next: null, n: 0}
const counts = {};
let countsComplete = true;
let selected = null;      // order id shown in the detail panel
const pending = new Map(); // order id -> accepted at (placed here, not on the board yet)
const cancels = new Map(); // order id -> {response, outcome}: a cancellation this page sent, and how it ended
const seen = new Set();   // eventId/cause of changes already applied
let lastParts = {};
let connected = false;
let everConnected = false;

// ---------------------------------------------------------------------------------------------------------------
// columns

function buildColumns() {
  const root = $('columns');
  for (const status of STATUSES) {
    const section = document.createElement('section');
    section.className = 'column st-' + status;
    section.setAttribute('aria-labelledby', 'title-' + status);
    section.innerHTML =
      `<h2 id="title-${status}"><span>${LABELS[status]}</span><span class="count" id="count-${status}" aria-label="count">…</span></h2>` +
      `<p class="note" id="note-${status}" role="status"></p>` +
      `<ol id="col-${status}" aria-label="${LABELS[status]} orders"></ol>` +
      `<div class="pager"><button type="button" id="prev-${status}" aria-label="Previous page of ${LABELS[status]}" disabled>‹</button>` +
      `<span id="page-${status}">page 1</span>` +
      `<button type="button" id="next-${status}" aria-label="Next page of ${LABELS[status]}" disabled>›</button></div>`;
    root.appendChild(section);
    columns[status] = { list: null, after: null, cursors: [], next: null };
    columns[status].list = section.querySelector('ol');
    section.querySelector('#prev-' + status).addEventListener('click', () => page(status, -1));
    section.querySelector('#next-' + status).addEventListener('click', () => page(status, +1));
  }
}

async function loadColumn(status) {
  const col = columns[status];
  const note = $('note-' + status);
  const query = `/deliveries?status=${status}&limit=${PAGE}` + (col.after ? '&after=' + encodeURIComponent(col.after) : '');
  try {
    const response = await fetch(query, { headers: { Accept: 'application/json' } });
    const body = await readBody(response);
    if (!response.ok) {
      note.textContent = 'Cannot read these deliveries right now: ' + problemText(response.status, body) + ' Retrying.';
      note.className = 'note bad';
      setTimeout(() => loadColumn(status), 2000);
      return;
    }
    col.next = body.next;
    col.list.replaceChildren(...body.items.map(cardFor));
    note.textContent = body.items.length === 0 ? (col.after ? 'No more orders.' : 'No orders.') : '';
    note.className = 'note';
    $('prev-' + status).disabled = col.cursors.length === 0;
    $('next-' + status).disabled = !col.next;
    $('page-' + status).textContent = 'page ' + (col.cursors.length + 1);
    markSelected();
  } catch (e) {
    note.textContent = 'The board\'s server did not answer (' + e.message + '). Retrying.';
    note.className = 'note bad';
    setTimeout(() => loadColumn(status), 2000);
  }
}

function page(status, direction) {
  const col = columns[status];
  if (direction > 0 && col.next) {
    col.cursors.push(col.after);
    col.after = col.next;
  } else if (direction < 0 && col.cursors.length > 0) {
    col.after = col.cursors.pop();
  }
  loadColumn(status);
}

function reloadAll() {
  STATUSES.forEach(loadColumn);
  loadCounts();
  if (selected) showDetail(selected);
}

async function loadCounts() {
  try {
    const response = await fetch('/deliveries/counts');
    if (!response.ok) return;
    const body = await response.json();
    countsComplete = body.complete;
    for (const status of STATUSES) counts[status] = body.byStatus[status] || 0;
    renderCounts();
  } catch (e) { /* shown by the connection state */ }
}

function renderCounts() {
  for (const status of STATUSES) {
    const n = counts[status];
    $('count-' + status).textContent = n === undefined ? '…' : n.toLocaleString('en') + (countsComplete ? '' : '+');
    $('count-' + status).setAttribute('aria-label', (n === undefined ? 'unknown' : n) + ' orders');
  }
}

function cardFor(d) {
  const li = document.createElement('li');
  li.dataset.orderId = d.orderId;
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'card';
  button.id = 'card-' + d.orderId;
  button.dataset.orderId = d.orderId;
  button.dataset.status = d.status;
  const rejected = (d.history || []).some((t) => t.rejected) || d.rejected;
  const who = d.courierId ? 'courier ' + d.courierId : (d.customerId ? 'customer ' + d.customerId : '');
  button.innerHTML = `<span class="id"></span><span class="meta"></span>` + (rejected ? '<span class="flag">rejected change</span>' : '');
  button.querySelector('.id').textContent = d.orderId.slice(0, 8) + '…' + d.orderId.slice(-4);
  button.querySelector('.meta').textContent = [who, timeOf(d.updatedAt || d.at)].filter(Boolean).join(' · ');
  button.setAttribute('aria-label', `Order ${d.orderId}, ${LABELS[d.status]}${who ? ', ' + who : ''}${rejected ? ', has a rejected change' : ''}. Show details`);
  button.addEventListener('click', () => showDetail(d.orderId));
  li.appendChild(button);
  return li;
}

function markSelected() {
  document.querySelectorAll('.card.selected').forEach((c) => c.classList.remove('selected'));
  if (selected) {
    const card = $('card-' + selected);
    if (card) card.classList.add('selected');
  }
}

// ---------------------------------------------------------------------------------------------------------------
// live changes

function applyChange(c) {
  const key = c.eventId + '/' + c.cause;
  if (seen.has(key)) return;
  seen.add(key);
  if (seen.size > 20000) seen.clear();

  if (pending.delete(c.orderId)) renderPending();
  if (c.rejected) {
    const card = $('card-' + c.orderId);
    if (card && !card.querySelector('.flag')) {
      card.insertAdjacentHTML('beforeend', '<span class="flag">rejected change</span>');
    }
  } else if (c.from !== c.to) {
    move(c);
  }
  const cancel = cancels.get(c.orderId);
  if (cancel && c.cause === 'OrderCancelled') {
    cancel.outcome = c;
    renderCancel(c.orderId);
  }
  if (selected === c.orderId) scheduleDetailRefresh();
}

function move(c) {
  const existing = document.querySelector(`li[data-order-id="${c.orderId}"]`);
  let flagged = false;
  if (existing) {
    flagged = !!existing.querySelector('.flag');
    existing.remove();
  }
  if (c.from && counts[c.from] !== undefined) counts[c.from] = Math.max(0, counts[c.from] - 1);
  if (counts[c.to] !== undefined) counts[c.to] += 1;
  renderCounts();
  const col = columns[c.to];
  if (!col || col.after) return; // shown on the first page only; later pages are in order id order
  const li = cardFor({ orderId: c.orderId, status: c.to, at: c.at, rejected: flagged });
  li.firstChild.classList.add('new');
  col.list.prepend(li);
  const news = col.list.querySelectorAll('.card.new');
  if (news.length > MAX_NEW) news[news.length - 1].parentElement.remove();
  $('note-' + c.to).textContent = '';
  markSelected();
}

function connect() {
  const source = new EventSource('/board/events');
  source.addEventListener('open', () => {
    setConnection(true);
    // first connection or a reconnection: whatever happened meanwhile is in the store, so read it again
    reloadAll();
  });
  source.addEventListener('change', (e) => applyChange(JSON.parse(e.data)));
  source.addEventListener('pipeline', (e) => renderPipeline(JSON.parse(e.data)));
  source.addEventListener('error', () => {
    setConnection(false);
    if (source.readyState === EventSource.CLOSED) setTimeout(connect, 2000);
  });
}

function setConnection(up) {
  connected = up;
  if (up) everConnected = true;
  const el = $('connection');
  el.textContent = up ? 'Live' : (everConnected ? 'Connection lost, retrying…' : 'Connecting…');
  el.className = 'connection ' + (up ? 'live' : 'lost');
  renderAlerts();
}

// ---------------------------------------------------------------------------------------------------------------
// the pipeline

function renderPipeline(p) {
  const before = lastParts;
  lastParts = {};
  const list = $('parts');
  list.replaceChildren();
  for (const part of p.parts) {
    lastParts[part.id] = part;
    const li = document.createElement('li');
    li.id = 'part-' + part.id;
    li.innerHTML = `<span class="badge ${part.state}"></span><strong></strong><span class="part-detail"></span>`;
    li.querySelector('.badge').textContent = part.state;
    li.querySelector('strong').textContent = part.name;
    li.querySelector('.part-detail').textContent = part.detail;
    list.appendChild(li);
  }
  if (p.parts.length === 0) list.innerHTML = '<li>Waiting for the first report…</li>';
  $('fig-lag').textContent = p.consumerLag === null ? 'unknown' : p.consumerLag.toLocaleString('en');
  $('fig-dlq').textContent = p.deadLetters === null ? 'unknown' : p.deadLetters.toLocaleString('en');
  $('fig-dup').textContent = p.duplicates.toLocaleString('en');
  $('fig-at').textContent = timeOf(p.at) + ' by ' + p.instance;
  renderLatency(p.latency);
  renderAlerts();
  // the projection or the broker came back: changes made meanwhile did not reach this page, so read the columns again
  for (const id of ['streams', 'kafka']) {
    if (before[id] && before[id].state !== 'UP' && lastParts[id] && lastParts[id].state === 'UP') {
      reloadAll();
      break;
    }
  }
}

function renderLatency(h) {
  $('latency-window').textContent = h.windowSeconds;
  $('latency-summary').textContent = h.count === 0 ? 'No orders in this window.' :
    `${h.count.toLocaleString('en')} order${h.count === 1 ? '' : 's'}; p50 ${bound(h.p50Ms)}, p99 ${bound(h.p99Ms)}, max ${h.maxMs} ms.`;
  const max = Math.max(1, ...h.buckets.map((b) => b.count));
  const body = $('latency').querySelector('tbody');
  body.replaceChildren(...h.buckets.map((b) => {
    const tr = document.createElement('tr');
    const label = b.toMs === null ? `≥ ${b.fromMs} ms` : `${b.fromMs}–${b.toMs} ms`;
    tr.innerHTML = `<th scope="row"></th><td class="n"></td><td><div class="bar"></div></td>`;
    tr.querySelector('th').textContent = label;
    tr.querySelector('.n').textContent = b.count;
    tr.querySelector('.bar').style.width = (100 * b.count / max) + '%';
    return tr;
  }));
}

function bound(ms) { return ms === null ? 'over 5 s' : '< ' + ms + ' ms'; }

function renderAlerts() {
  const alerts = [];
  if (!connected && everConnected) {
    alerts.push(['DOWN', 'The board\'s server (delivery-streams) is not reachable.',
      'Retrying; what is shown may be out of date. The columns are read again when it answers.']);
  }
  for (const part of Object.values(lastParts)) {
    if (part.state === 'UP') continue;
    const what = part.id === 'connect' && part.state === 'DOWN' ? 'Kafka Connect is down.' : `${part.name} is ${part.state.toLowerCase()}.`;
    alerts.push([part.state, what, part.detail]);
  }
  const root = $('alerts');
  root.replaceChildren(...alerts.map(([state, title, detail]) => {
    const div = document.createElement('div');
    div.className = 'alert ' + state.toLowerCase();
    div.innerHTML = '<strong></strong><span></span>';
    div.querySelector('strong').textContent = title;
    div.querySelector('span').textContent = detail;
    return div;
  }));
}

// ---------------------------------------------------------------------------------------------------------------
// one order

let refreshTimer = null;
function scheduleDetailRefresh() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => selected && showDetail(selected), 100);
}

async function showDetail(orderId) {
  selected = orderId;
  markSelected();
  const panel = $('detail');
  const wasHidden = panel.hidden;
  panel.hidden = false;
  $('detail-title').textContent = 'Order ' + orderId;
  try {
    const response = await fetch('/deliveries/' + encodeURIComponent(orderId));
    const body = await readBody(response);
    if (selected !== orderId) return;
    if (!response.ok) {
      $('detail-facts').innerHTML = '';
      $('timeline').innerHTML = '';
      $('detail-facts').textContent = problemText(response.status, body);
      return;
    }
    renderDetail(body);
  } catch (e) {
    $('detail-facts').textContent = 'The board\'s server did not answer: ' + e.message;
  }
  if (wasHidden) $('detail-title').focus?.();
}

function renderDetail(d) {
  const facts = [
    ['Status', LABELS[d.status]], ['Customer', d.customerId], ['Courier', d.courierId || '–'],
    ['Failed attempts', String(d.failedAttempts)],
    ['Address', d.deliveryAddress ? [d.deliveryAddress.recipient, d.deliveryAddress.street, d.deliveryAddress.city, d.deliveryAddress.country].join(', ') : '–'],
    ['Lines', (d.lines || []).map((l) => l.quantity + ' × ' + l.sku).join(', ')],
    ['Placed', timeOf(d.placedAt)]
  ];
  const dl = $('detail-facts');
  dl.replaceChildren();
  for (const [k, v] of facts) {
    const dt = document.createElement('dt'); dt.textContent = k;
    const dd = document.createElement('dd'); dd.textContent = v;
    if (k === 'Status') dd.id = 'detail-status';
    dl.append(dt, dd);
  }
  const entries = d.history.map(timelineEntry);
  const earlier = (d.historySize || d.history.length) - d.history.length;
  if (earlier > 0) {
    // the view carries only the latest entries; the whole history is paged by /deliveries/{id}/history
    const li = document.createElement('li');
    li.className = 'earlier';
    const more = document.createElement('button');
    more.type = 'button';
    more.textContent = earlier + ' earlier ' + (earlier === 1 ? 'entry' : 'entries') + ': show';
    more.addEventListener('click', () => showEarlier(d.orderId, earlier, li));
    li.append(more);
    entries.unshift(li);
  }
  $('timeline').replaceChildren(...entries);
}

function timelineEntry(t) {
  const li = document.createElement('li');
  li.className = t.rejected ? 'rejected' : '';
  const move = t.from === null ? 'created: ' + LABELS[t.to] : (t.from === t.to ? LABELS[t.to] + ' (unchanged)' : LABELS[t.from] + ' → ' + LABELS[t.to]);
  li.innerHTML = '<span class="when"></span> <strong></strong> <span class="what"></span>';
  li.querySelector('.when').textContent = timeOf(t.at);
  li.querySelector('strong').textContent = (t.rejected ? 'Rejected ' : '') + t.cause;
  li.querySelector('.what').textContent = '— ' + move + (t.note ? ' (' + t.note + ')' : '');
  return li;
}

/** Replaces the "earlier entries" line with the entries 0 .. count-1 of the whole history. */
async function showEarlier(orderId, count, placeholder) {
  const loaded = [];
  try {
    for (let from = 0; from !== null && from < count;) {
      const response = await fetch('/deliveries/' + encodeURIComponent(orderId) + '/history?from=' + from + '&limit=' + Math.min(500, count - from));
      const body = await readBody(response);
      if (!response.ok) {
        placeholder.textContent = problemText(response.status, body);
        return;
      }
      loaded.push(...body.items);
      from = body.next;
    }
  } catch (e) {
    placeholder.textContent = 'The board\'s server did not answer: ' + e.message;
    return;
  }
  if (selected !== orderId) return;
  placeholder.replaceWith(...loaded.slice(0, count).map(timelineEntry));
}

async function act(label, url, body) {
  const out = $('action-answer');
  const orderId = selected;
  answer(out, null, label + '…');
  try {
    const response = await fetch(url, {
      method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json, application/problem+json' },
      body: body === null ? undefined : JSON.stringify(body)
    });
    const parsed = await readBody(response);
    if (selected !== orderId) return response;
    answer(out, response.ok, label + ': ' + answerText(response.status, parsed));
    return response;
  } catch (e) {
    answer(out, false, label + ': the board\'s server did not answer (' + e.message + ').');
    return null;
  }
}

// A cancellation goes to the order API, which accepts it (the order is not cancelled yet); the delivery then applies
// it, or records it as rejected when it comes too late (after pickup). Both answers are shown, in that order.
function renderCancel(orderId) {
  const cancel = cancels.get(orderId);
  if (!cancel || !cancel.response || selected !== orderId) return;
  const api = 'The order API accepted the cancellation (' + cancel.response.status + ')';
  const c = cancel.outcome;
  if (!c) {
    answer($('action-answer'), null, api + '. Waiting for the delivery to decide…');
  } else if (c.rejected) {
    answer($('action-answer'), false, api + ', but the delivery refused it: ' + (c.note || 'it came too late') + '.');
    cancels.delete(orderId);
  } else {
    answer($('action-answer'), true, api + ' and the delivery applied it: the order is now ' + LABELS[c.to] + '.');
    cancels.delete(orderId);
  }
}

function answerText(status, body) {
  if (status === 202) return 'accepted (202): the delivery decided it' + (body && LABELS[body.status] ? ', now ' + LABELS[body.status] : '') + '.';
  if (status >= 200 && status < 300) return 'accepted (' + status + ').';
  return problemText(status, body);
}

function problemText(status, body) {
  const words = { 400: 'Invalid request', 404: 'Not found', 409: 'Refused', 413: 'Too large', 422: 'Not processable', 502: 'Not reachable', 503: 'Unavailable', 504: 'No answer in time' };
  const head = (words[status] || 'Failed') + ' (' + status + ')';
  if (body && typeof body === 'object') {
    const detail = body.detail || body.title || '';
    const code = body.code ? ' [' + body.code + ']' : '';
    return head + ': ' + detail + code;
  }
  return head + (body ? ': ' + String(body).slice(0, 200) : '.');
}

function answer(el, ok, text) {
  el.textContent = text;
  el.className = 'answer' + (ok === true ? ' ok' : ok === false ? ' bad' : '');
}

function wireActions() {
  const base = () => '/deliveries/' + selected;
  $('action-assign').addEventListener('click', () => act('Assign courier', base() + '/courier', { courierId: $('courier-id').value }));
  $('action-pickup').addEventListener('click', () => act('Confirm pickup', base() + '/pickup', null));
  $('action-deliver').addEventListener('click', () => act('Confirm delivery', base() + '/delivery', { receivedBy: $('received-by').value }));
  $('action-fail').addEventListener('click', () => act('Report failed attempt', base() + '/failed-attempts', { reason: $('fail-reason').value }));
  $('action-cancel').addEventListener('click', async () => {
    const orderId = selected;
    const cancel = { response: null, outcome: null };
    cancels.set(orderId, cancel); // before sending: the delivery's decision may arrive before the API's answer
    const response = await act('Cancel order', '/board/api/orders/' + orderId + '/cancel', { reason: $('cancel-reason').value });
    if (response && response.ok) {
      cancel.response = response;
      renderCancel(orderId);
    } else {
      cancels.delete(orderId);
    }
  });
  $('detail-close').addEventListener('click', () => {
    $('detail').hidden = true;
    const card = selected && $('card-' + selected);
    selected = null;
    markSelected();
    if (card) card.focus();
  });
  $('place-order').addEventListener('click', placeOrder);
  $('search').addEventListener('submit', search);
}

const SKUS = ['BOOK-0001', 'MUG-0042', 'TEA-0007', 'LAMP-0300', 'PEN-0012'];
const PEOPLE = [['Ada Lovelace', '12 St James\'s Square', 'London', 'SW1Y 4JH', 'GB'], ['Grace Hopper', '1 Navy Way', 'Arlington', '22202', 'US'],
  ['Alan Turing', '78 High Street', 'Wilmslow', 'SK9 1AA', 'GB'], ['Emmy Noether', 'Bunsenstraße 3', 'Göttingen', '37073', 'DE']];

async function placeOrder() {
  const out = $('place-answer');
  const p = PEOPLE[Math.floor(Math.random() * PEOPLE.length)];
  const body = {
    customerId: 'board-' + Math.random().toString(36).slice(2, 8),
    lines: [{ sku: SKUS[Math.floor(Math.random() * SKUS.length)], quantity: 1 + Math.floor(Math.random() * 3) }],
    deliveryAddress: { recipient: p[0], street: p[1], city: p[2], postalCode: p[3], country: p[4] }
  };
  answer(out, null, 'Placing an order…');
  try {
    const response = await fetch('/board/api/orders', {
      method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json, application/problem+json' },
      body: JSON.stringify(body)
    });
    const parsed = await readBody(response);
    if (response.status === 201) {
      const id = parsed.id;
      if (!document.querySelector(`li[data-order-id="${id}"]`)) {
        pending.set(id, Date.now());
        renderPending();
      }
      out.dataset.orderId = id;
      answer(out, true, `Order ${id} accepted by the order API (201). It appears on the board when the pipeline has carried it.`);
    } else {
      answer(out, false, 'Order not placed: ' + problemText(response.status, parsed));
    }
  } catch (e) {
    answer(out, false, 'Order not placed: the board\'s server did not answer (' + e.message + ').');
  }
}

function renderPending() {
  const section = $('pending');
  section.hidden = pending.size === 0;
  $('pending-list').replaceChildren(...[...pending.entries()].map(([id, at]) => {
    const li = document.createElement('li');
    li.textContent = id.slice(0, 8) + '… accepted ' + timeOf(new Date(at).toISOString());
    return li;
  }));
}

async function search(e) {
  e.preventDefault();
  const id = $('search-id').value.trim().toLowerCase();
  const out = $('place-answer');
  if (!id) return;
  const response = await fetch('/deliveries/' + encodeURIComponent(id)).catch(() => null);
  if (!response) { answer(out, false, 'The board\'s server did not answer.'); return; }
  if (response.ok) { answer(out, null, ''); showDetail(id); return; }
  const body = await readBody(response);
  answer(out, false, 'Order ' + id + ': ' + problemText(response.status, body));
}

// ---------------------------------------------------------------------------------------------------------------

async function readBody(response) {
  const text = await response.text();
  try { return text ? JSON.parse(text) : null; } catch (e) { return text; }
}

function timeOf(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return d.toLocaleTimeString('en-GB', { hour12: false }) + '.' + String(d.getMilliseconds()).padStart(3, '0');
}

buildColumns();
wireActions();
renderCounts();
connect();
setInterval(() => { if (connected) loadCounts(); }, 5000);
setInterval(() => { if (pending.size) renderPending(); }, 1000);
