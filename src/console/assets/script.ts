/**
 * The console's one script, served as /console/assets/console.js (a file:
 * the Content-Security-Policy allows scripts from the daemon alone, none
 * inline). Plain browser JavaScript, no build step. It only improves pages
 * that work without it: times in the reader's own time zone, dashboard
 * figures refreshed without a reload, member search as you type. Whatever it
 * puts in the page goes in as text (textContent), never as HTML.
 */
export const CONSOLE_JS = `'use strict';
(function () {
  var lang = document.documentElement.lang || 'en';
  var locale = lang === 'fr' ? 'fr-FR' : 'en-GB';

  function localTimes(root) {
    var fmt = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
    root.querySelectorAll('time[data-local]').forEach(function (el) {
      var d = new Date(el.getAttribute('datetime'));
      if (!isNaN(d.getTime())) el.textContent = fmt.format(d);
    });
  }

  function cell(row, text, cls) {
    var td = document.createElement('td');
    td.textContent = text;
    if (cls) td.className = cls;
    row.appendChild(td);
    return td;
  }

  function getJson(url) {
    return fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } }).then(function (r) {
      if (!r.ok) throw new Error('HTTP ' + r.status);
      return r.json();
    });
  }

  // Dashboard: every element with data-figure gets the figure of that name.
  var poll = document.querySelector('[data-poll]');
  if (poll) {
    var every = Number(poll.getAttribute('data-every') || '10') * 1000;
    var refresh = function () {
      getJson(poll.getAttribute('data-poll')).then(function (d) {
        Object.keys(d.figures).forEach(function (k) {
          document.querySelectorAll('[data-figure="' + k + '"]').forEach(function (el) { el.textContent = d.figures[k]; });
        });
        var rejects = document.querySelector('[data-rows="rejects"]');
        if (rejects) {
          rejects.textContent = '';
          d.rejects.forEach(function (x) { var tr = document.createElement('tr'); cell(tr, x.label); cell(tr, x.count, 'num'); rejects.appendChild(tr); });
        }
        var nas = document.querySelector('[data-rows="nas"]');
        if (nas) {
          nas.textContent = '';
          d.nas.forEach(function (x) { var tr = document.createElement('tr'); cell(tr, x.name); cell(tr, x.last); cell(tr, x.answered, 'num'); cell(tr, x.dropped, 'num'); cell(tr, x.cause); nas.appendChild(tr); });
        }
        var minutes = document.querySelector('[data-rows="minutes"]');
        if (minutes) {
          minutes.textContent = '';
          d.minutes.forEach(function (x) { var tr = document.createElement('tr'); cell(tr, x.minute); cell(tr, x.accepts, 'num'); cell(tr, x.rejects, 'num'); cell(tr, x.reasons); minutes.appendChild(tr); });
        }
        var stamp = document.querySelector('[data-figure-time]');
        if (stamp) { stamp.setAttribute('datetime', d.at); localTimes(stamp.parentNode); }
      }).catch(function () { /* the next round tries again */ });
    };
    setInterval(refresh, every);
  }

  // Charts: redrawn from their JSON (the same geometry the server drew), as elements and text only.
  var SVG_NS = 'http://www.w3.org/2000/svg';
  function svgEl(name, attrs, text) {
    var el = document.createElementNS(SVG_NS, name);
    Object.keys(attrs).forEach(function (k) { el.setAttribute(k, String(attrs[k])); });
    if (text !== undefined) el.textContent = text;
    return el;
  }
  function drawChart(fig, c) {
    var svg = fig.querySelector('svg');
    if (!svg) return;
    svg.setAttribute('viewBox', '0 0 ' + c.width + ' ' + c.height);
    svg.querySelectorAll('g').forEach(function (g) { g.remove(); });
    c.bars.forEach(function (b) {
      var g = svgEl('g', {});
      g.appendChild(svgEl('title', {}, b.title));
      g.appendChild(svgEl('rect', { x: b.x, y: b.y, width: b.width, height: b.height }));
      g.appendChild(svgEl('text', { x: b.x + b.width / 2, y: c.height - 8, 'text-anchor': 'middle' }, b.axis));
      svg.appendChild(g);
    });
    var total = fig.querySelector('[data-chart-total]');
    if (total) total.textContent = c.total;
    var rows = fig.querySelector('[data-chart-rows]');
    if (rows) {
      rows.textContent = '';
      c.rows.forEach(function (r) {
        var tr = document.createElement('tr');
        var th = document.createElement('th');
        th.scope = 'row';
        th.textContent = r[0];
        tr.appendChild(th);
        cell(tr, r[1]);
        cell(tr, r[2]);
        rows.appendChild(tr);
      });
    }
  }
  document.querySelectorAll('[data-chart-src]').forEach(function (fig) {
    var every = Number(fig.getAttribute('data-every') || '60') * 1000;
    setInterval(function () {
      getJson(fig.getAttribute('data-chart-src')).then(function (c) { drawChart(fig, c); }).catch(function () { /* the next round tries again */ });
    }, every);
  });

  // Members: search as you type (the form still works without this script).
  var search = document.querySelector('input[data-search]');
  if (search) {
    var form = search.form;
    var body = document.querySelector('[data-rows="members"]');
    var status = document.querySelector('[data-search-status]');
    var timer = null;
    var run = function () {
      var params = new URLSearchParams(new FormData(form));
      params.delete('_csrf');
      getJson(search.getAttribute('data-search') + '?' + params.toString()).then(function (d) {
        body.textContent = '';
        d.rows.forEach(function (m) {
          var tr = document.createElement('tr');
          var td = document.createElement('td');
          var a = document.createElement('a');
          a.href = m.href;
          a.textContent = m.username;
          td.appendChild(a);
          tr.appendChild(td);
          cell(tr, m.status, 'status-' + m.statusClass);
          cell(tr, m.plan);
          cell(tr, m.paid_until);
          cell(tr, m.address);
          cell(tr, m.line);
          body.appendChild(tr);
        });
        if (status) status.textContent = d.summary;
        var more = document.querySelector('[data-next]');
        if (more) more.hidden = true;
      }).catch(function () {});
    };
    var later = function () { clearTimeout(timer); timer = setTimeout(run, 250); };
    form.querySelectorAll('input, select').forEach(function (el) { el.addEventListener(el.tagName === 'SELECT' ? 'change' : 'input', later); });
  }

  localTimes(document);
})();
`;
