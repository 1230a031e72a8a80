/*
 * dashboard.js - live container charts from pmproxy's REST API.
 *
 * One web context (/pmapi/context) on pmproxy; the metrics' units and
 * semantics from /pmapi/metric; container names from /pmapi/indom; values
 * from /pmapi/fetch every `interval` seconds.  Counters become rates
 * between two fetches (pmproxy's timestamps), in cores for CPU time and
 * bytes per second for network bytes.  Metrics pmcd does not have (the
 * network ones with an older pmdacontainers) are left out.  Charts are
 * drawn here as SVG; no library, nothing fetched but pmproxy's JSON.
 *
 * The page's state is on <body>: data-state (loading, ok, error),
 * data-samples (fetches with container values) and data-containers
 * (containers drawn), so a headless browser can tell when it has data.
 */
'use strict';

(function () {
	const params = new URLSearchParams(window.location.search);
	const cfg = {
		url: (params.get('url') || 'http://localhost:44322').replace(/\/+$/, ''),
		hostspec: params.get('hostspec') || 'localhost',
		interval: bounded(Number(params.get('interval') || 2), 0.2, 3600, 2),
		window: bounded(Number(params.get('window') || 300), 10, 86400, 300),
		top: Math.round(bounded(Number(params.get('top') || 8), 1, 100, 8)),
		filter: params.get('filter') || '',
	};

	/* what is fetched: role -> metric name */
	const METRICS = {
		cpu: 'container.cpu.usage',
		cpulimit: 'container.cpu.limit',
		mem: 'container.memory.usage',
		memlimit: 'container.memory.limit',
		netin: 'container.net.all.in.bytes',
		netout: 'container.net.all.out.bytes',
		engine: 'container.info.engine',
		ncpu: 'hinv.ncpu',
		physmem: 'mem.physmem',
	};
	const SERIES = ['cpu', 'mem', 'netin', 'netout'];
	const PALETTE = ['#1565c0', '#c62828', '#2e7d32', '#6a1b9a', '#ef6c00', '#00838f',
		'#ad1457', '#4e342e', '#9e9d24', '#37474f', '#5c6bc0', '#00897b'];
	const UNLIMITED = 1.8e19;		/* 2^64-1 arrives as a JSON number */
	const SCALE = {				/* to seconds or bytes */
		nanosec: 1e-9, microsec: 1e-6, millisec: 1e-3, sec: 1,
		byte: 1, Kbyte: 1024, Mbyte: 1048576, Gbyte: 1073741824,
	};

	let filterRe = null;
	try {
		filterRe = cfg.filter ? new RegExp(cfg.filter) : null;
	} catch (e) {
		filterRe = null;
	}

	const state = {
		context: null,		/* pmproxy web context */
		metrics: null,		/* role -> {name, scale, counter} of those found */
		names: new Map(),	/* instance id -> container name */
		ctrs: new Map(),	/* name -> container */
		host: {},
		samples: 0,
		polls: 0,
		last: 0,		/* the previous fetch's timestamp */
		colors: new Map(),	/* name -> color, kept while drawn */
	};

	function bounded(v, lo, hi, dflt) {
		return Number.isFinite(v) ? Math.min(hi, Math.max(lo, v)) : dflt;
	}

	/* ---------------------------------------------------------- pmproxy */
	/* api: GET /pmapi/PATH?ARGS; the parsed JSON, and its text when RAW */
	async function api(path, args, raw) {
		const q = new URLSearchParams(args);
		const r = await fetch(cfg.url + '/pmapi/' + path + '?' + q.toString(), { cache: 'no-store' });
		const text = await r.text();
		let body = {};
		try {
			body = JSON.parse(text);
		} catch (e) {
			/* an HTML error page */
		}
		if (!r.ok || body.success === false)
			throw new Error(body.message || path + ': HTTP ' + r.status);
		return raw ? [body, text] : body;
	}

	/*
	 * timestamp: a fetch's time in seconds.  pmproxy 6.0.3 prints it as
	 * SECONDS.NANOSECONDS without zero-padding the nanoseconds (0.038 s
	 * comes out as ".38000000"), so a fraction of fewer than 9 digits is
	 * taken from the response text as a count of nanoseconds; 9 digits
	 * read the same either way.  Older pmproxy sends {sec, us}.
	 */
	function timestamp(body, text) {
		const ts = body.timestamp;
		if (ts && typeof ts === 'object')
			return ts.sec + ts.us / 1e6;
		const m = /"timestamp"\s*:\s*(\d+)\.(\d+)/.exec(text);
		if (m && m[2].length <= 9)
			return Number(m[1]) + Number(m[2]) / 1e9;
		return Number(ts);
	}

	async function connect() {
		const c = await api('context', { hostspec: cfg.hostspec, polltimeout: Math.ceil(cfg.interval * 10 + 30) });
		state.context = c.context;
		state.host.name = (c.labels && c.labels.hostname) || c.hostspec || cfg.hostspec;
		state.metrics = {};
		for (const [role, name] of Object.entries(METRICS)) {
			try {
				const m = (await api('metric', { context: state.context, names: name })).metrics[0];
				state.metrics[role] = {
					name: name,
					scale: SCALE[m.units] || 1,
					counter: m.sem === 'counter',
				};
			} catch (e) {
				/* not served: that chart or column stays empty */
			}
		}
		if (!state.metrics.cpu)
			throw new Error('pmcd has no ' + METRICS.cpu + ' (is pmdacontainers installed?)');
		await refreshNames();
	}

	async function refreshNames() {
		const d = await api('indom', { context: state.context, name: METRICS.cpu });
		state.names = new Map((d.instances || []).map(i => [i.instance, i.name]));
	}

	/* ---------------------------------------------------------- data */
	function container(name) {
		let c = state.ctrs.get(name);
		if (!c) {
			c = { name: name, engine: '', prev: {}, seen: 0 };
			for (const s of SERIES)
				c[s] = [];
			state.ctrs.set(name, c);
		}
		return c;
	}

	function record(c, role, t, v) {
		const m = state.metrics[role];
		if (role === 'engine') {
			c.engine = String(v);
			return;
		}
		if (role === 'cpulimit') {
			c.cpulimit = v < 0 ? Infinity : v;
			return;
		}
		if (role === 'memlimit') {
			c.memlimit = v >= UNLIMITED ? Infinity : v * m.scale;
			return;
		}
		v *= m.scale;
		if (!m.counter) {
			c[role].push([t, v]);
			return;
		}
		const p = c.prev[role];
		c.prev[role] = [t, v];
		if (p && t > p[0] && v >= p[1])
			c[role].push([t, (v - p[1]) / (t - p[0])]);
	}

	async function poll() {
		if (state.context === null)
			await connect();
		const names = Object.values(state.metrics).map(m => m.name).join(',');
		const [d, text] = await api('fetch', { context: state.context, names: names }, true);
		const t = timestamp(d, text);
		if (!(t > state.last))
			return state.last;	/* time went backwards: no sample */
		state.last = t;
		const byName = {};
		for (const [role, m] of Object.entries(state.metrics))
			byName[m.name] = role;
		let unknown = false;
		let any = false;
		for (const v of d.values || []) {
			const role = byName[v.name];
			for (const i of v.instances || []) {
				if (role === 'ncpu' || role === 'physmem') {
					state.host[role] = i.value * state.metrics[role].scale;
					continue;
				}
				const name = state.names.get(i.instance);
				if (name === undefined) {
					unknown = true;
					continue;
				}
				const c = container(name);
				c.seen = t;
				record(c, role, t, i.value);
				any = true;
			}
		}
		if (unknown || ++state.polls % 30 === 0)
			await refreshNames();
		if (any)
			state.samples++;
		trim(t);
		return t;
	}

	/* trim: forget points older than the window, and containers gone that long */
	function trim(now) {
		const since = now - cfg.window;
		for (const [name, c] of state.ctrs) {
			if (c.seen < since) {
				state.ctrs.delete(name);
				continue;
			}
			for (const s of SERIES) {
				let k = 0;
				while (k < c[s].length && c[s][k][0] < since)
					k++;
				if (k)
					c[s].splice(0, k);
			}
		}
	}

	function mean(points) {
		let sum = 0;
		for (const p of points)
			sum += p[1];
		return points.length ? sum / points.length : 0;
	}

	function last(points) {
		return points.length ? points[points.length - 1][1] : NaN;
	}

	/* shown: the containers to draw, busiest (mean CPU) first */
	function shown() {
		const all = [...state.ctrs.values()].filter(c => !filterRe || filterRe.test(c.name));
		all.sort((a, b) => mean(b.cpu) - mean(a.cpu) || a.name.localeCompare(b.name));
		const top = all.slice(0, cfg.top);
		const used = new Set();
		for (const [name, color] of state.colors) {
			if (top.some(c => c.name === name))
				used.add(color);
			else
				state.colors.delete(name);
		}
		for (const c of top) {
			if (!state.colors.has(c.name)) {
				const free = PALETTE.find(p => !used.has(p)) || PALETTE[state.colors.size % PALETTE.length];
				state.colors.set(c.name, free);
				used.add(free);
			}
		}
		return top;
	}

	/* ---------------------------------------------------------- formatting */
	function fmtBytes(v) {
		if (!Number.isFinite(v))
			return v === Infinity ? 'none' : '-';
		const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
		let i = 0;
		while (Math.abs(v) >= 1024 && i < u.length - 1) {
			v /= 1024;
			i++;
		}
		return i === 0 ? v.toFixed(0) + ' B' : v.toFixed(Math.abs(v) < 10 ? 2 : Math.abs(v) < 100 ? 1 : 0) + ' ' + u[i];
	}

	function fmtCores(v) {
		if (!Number.isFinite(v))
			return v === Infinity ? 'none' : '-';
		return v.toFixed(3);
	}

	function fmtRate(v) {
		return Number.isFinite(v) ? fmtBytes(v) + '/s' : '-';
	}

	function fmtTime(t) {
		const d = new Date(t * 1000);
		return d.toTimeString().slice(0, 8);
	}

	/* ---------------------------------------------------------- charts */
	const SVGNS = 'http://www.w3.org/2000/svg';

	function el(name, attrs, text) {
		const e = document.createElementNS(SVGNS, name);
		for (const [k, v] of Object.entries(attrs || {}))
			e.setAttribute(k, v);
		if (text !== undefined)
			e.textContent = text;
		return e;
	}

	function niceStep(max, bytes) {
		const raw = max / 4;
		if (bytes)
			return Math.pow(2, Math.ceil(Math.log2(raw)));
		const mag = Math.pow(10, Math.floor(Math.log10(raw)));
		const r = raw / mag;
		return (r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10) * mag;
	}

	function tickLabel(v, step, kind) {
		if (kind === 'bytes')
			return fmtBytes(v);
		if (kind === 'rate')
			return fmtBytes(v) + '/s';
		return v.toFixed(step >= 1 ? 0 : Math.ceil(-Math.log10(step) - 1e-9));
	}

	/* draw: one chart of SERIES for the shown containers into div ID */
	function draw(id, series, kind, now) {
		const W = 560, H = 230, L = 70, R = 10, T = 10, B = 24;
		const w = W - L - R, h = H - T - B;
		/* the window, or less while there is less history */
		let t0 = now, max = 0;
		for (const s of series) {
			for (const p of s.points) {
				if (p[0] < t0)
					t0 = p[0];
				if (p[1] > max)
					max = p[1];
			}
		}
		t0 = Math.max(t0, now - cfg.window);
		const span = Math.max(now - t0, 1e-3);
		const svg = el('svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img' });
		max = max > 0 ? max * 1.08 : (kind === 'cores' ? 0.01 : 1024);
		const step = niceStep(max, kind !== 'cores');
		max = Math.ceil(max / step) * step;
		const x = t => L + (t - t0) / span * w;
		const y = v => T + h - v / max * h;
		for (let v = 0; v <= max * 1.0001; v += step) {
			svg.appendChild(el('line', { x1: L, x2: L + w, y1: y(v), y2: y(v), class: 'grid' }));
			svg.appendChild(el('text', { x: L - 5, y: y(v) + 4, class: 'tick y' }, tickLabel(v, step, kind)));
		}
		for (let k = 0; k <= 4; k++) {
			const t = t0 + k * span / 4;
			svg.appendChild(el('text', {
				x: x(t), y: H - 6, class: 'tick',
				'text-anchor': k === 0 ? 'start' : k === 4 ? 'end' : 'middle',
			}, fmtTime(t)));
		}
		svg.appendChild(el('rect', { x: L, y: T, width: w, height: h, class: 'frame' }));
		let drawn = 0;
		for (const s of series) {
			const pts = s.points.filter(p => p[0] >= t0);
			if (!pts.length)
				continue;
			let d = '';
			pts.forEach((p, k) => {
				d += (k ? ' L' : 'M') + x(p[0]).toFixed(1) + ' ' + y(p[1]).toFixed(1);
			});
			if (pts.length === 1)
				d += ' l0.1 0';
			const path = el('path', { d: d, class: 'series', stroke: s.color });
			path.setAttribute('data-container', s.name);
			path.appendChild(el('title', {}, s.name));
			svg.appendChild(path);
			drawn++;
		}
		if (!drawn)
			svg.appendChild(el('text', { x: L + w / 2, y: T + h / 2, class: 'nodata' },
				state.metrics && !state.metrics[series.role] ? 'not available' : 'no data yet'));
		const div = document.getElementById(id);
		div.replaceChildren(svg);
	}

	/* ---------------------------------------------------------- page */
	function legend(ctrs) {
		const ul = document.getElementById('legend');
		ul.replaceChildren(...ctrs.map(c => {
			const li = document.createElement('li');
			li.dataset.container = c.name;
			const sw = document.createElement('span');
			sw.className = 'swatch';
			sw.style.background = state.colors.get(c.name);
			const label = document.createElement('span');
			label.className = 'name';
			label.textContent = c.name;
			li.append(sw, label);
			return li;
		}));
	}

	function table(ctrs) {
		const tbody = document.querySelector('#table tbody');
		tbody.replaceChildren(...ctrs.map(c => {
			const tr = document.createElement('tr');
			tr.dataset.container = c.name;
			const cpu = last(c.cpu), mem = last(c.mem);
			const cells = [
				[c.name, 'l'], [c.engine || '-', 'l'],
				[fmtCores(cpu), Number.isFinite(c.cpulimit) && cpu >= 0.9 * c.cpulimit ? 'hot' : ''],
				[fmtCores(c.cpulimit), ''],
				[fmtBytes(mem), Number.isFinite(c.memlimit) && mem >= 0.9 * c.memlimit ? 'hot' : ''],
				[fmtBytes(c.memlimit), ''],
				[fmtRate(last(c.netin)), ''], [fmtRate(last(c.netout)), ''],
			];
			for (const [text, cls] of cells) {
				const td = document.createElement('td');
				td.textContent = text;
				if (cls)
					td.className = cls;
				tr.appendChild(td);
			}
			return tr;
		}));
	}

	function render(now) {
		const ctrs = shown();
		const kinds = { cpu: 'cores', mem: 'bytes', netin: 'rate', netout: 'rate' };
		for (const s of SERIES) {
			const series = ctrs.map(c => ({ name: c.name, color: state.colors.get(c.name), points: c[s] }));
			series.role = s;
			draw('chart-' + s, series, kinds[s], now);
		}
		legend(ctrs);
		table(ctrs);
		document.body.dataset.containers = String(ctrs.length);
		const h = state.host;
		document.getElementById('host').textContent = 'on ' + (h.name || cfg.hostspec) +
			(h.ncpu ? ' \u00b7 ' + h.ncpu + ' CPUs' : '') +
			(h.physmem ? ' \u00b7 ' + fmtBytes(h.physmem) : '');
	}

	function status(text, error) {
		const s = document.getElementById('status');
		s.textContent = text;
		s.className = error ? 'status error' : 'status';
	}

	async function loop() {
		try {
			const now = await poll();
			document.body.dataset.state = 'ok';
			document.body.dataset.samples = String(state.samples);
			const n = [...state.ctrs.keys()].filter(k => !filterRe || filterRe.test(k)).length;
			status(cfg.url + ' \u00b7 ' + n + ' container' + (n === 1 ? '' : 's') +
				(filterRe ? ' matching /' + cfg.filter + '/' : '') +
				' \u00b7 updated ' + fmtTime(now) +
				' \u00b7 every ' + cfg.interval + ' s');
			render(now);
		} catch (e) {
			state.context = null;	/* a new context next time */
			document.body.dataset.state = 'error';
			status('pmproxy ' + cfg.url + ': ' + e.message, true);
		}
		setTimeout(loop, cfg.interval * 1000);
	}

	function settings() {
		const form = document.getElementById('settings');
		form.url.value = cfg.url;
		form.interval.value = cfg.interval;
		form.top.value = cfg.top;
		form.filter.value = cfg.filter;
		form.addEventListener('submit', ev => {
			ev.preventDefault();
			const q = new URLSearchParams(window.location.search);
			for (const k of ['url', 'interval', 'top', 'filter']) {
				if (form[k].value)
					q.set(k, form[k].value);
				else
					q.delete(k);
			}
			window.location.search = q.toString();
		});
	}

	settings();
	if (cfg.filter && !filterRe)
		status('filter: not a regular expression: ' + cfg.filter, true);
	loop();
})();
