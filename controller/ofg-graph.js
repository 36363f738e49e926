/* Draws the picture of the boundaries from the JSON data in #ofg-data.
 *
 * Switches are lanes, one under the other; in a lane, each network of the
 * lane's containers is a frame with its gateway on top and its containers
 * in a grid below, each column on a trunk line up to the gateway, and the
 * gateway's line up to the switch (its trusted ports) and on to the
 * outside.  Containers that name no switch get a lane of their own.  The
 * picture is drawn at its natural size, never scaled, so that text stays
 * legible at hundreds of containers; the page scrolls instead.
 *
 * When it is done the script reports on <body> what a test checks:
 * data-state ("ok" or "error"), data-errors, data-cards, data-min-font,
 * data-width and data-height. */
(function () {
    'use strict';

    var body = document.body;
    var errors = [];

    /* Any error ends up in the DOM, where "chromium --dump-dom" (and a
     * reader) sees it. */
    function fail(message) {
        errors.push(String(message));
        body.setAttribute('data-state', 'error');
        body.setAttribute('data-errors', errors.join(' | '));
        var banner = document.getElementById('ofg-error');
        if (!banner) {
            banner = document.createElement('p');
            banner.id = 'ofg-error';
            body.insertBefore(banner, body.firstChild);
        }
        banner.textContent = 'The picture is incomplete: ' + errors.join('; ');
    }
    window.addEventListener('error', function (e) { fail(e.message); });
    document.addEventListener('securitypolicyviolation', function (e) {
        fail('the page tried to load ' + e.blockedURI);
    });

    var FONT = 12;               /* Card text, px. */
    var LINE = 16;               /* Line height of card text, px. */
    var CHAR = 7.3;              /* Width of a monospace character, px. */
    var TITLE_CHAR = 8.6;        /* The same, bold at 14 px. */
    var CARD_W = 268;
    var PAD = 8;
    var TRUNK = 18;              /* Room left of a card for its trunk. */
    var GAP = 12;
    var MAX_ADDRS = 4;           /* Address lines on a card; the rest in
                                  * its tooltip. */
    var MAX_W = 1800;            /* Networks wrap to a new row past this. */
    var LEFT = 56;               /* Lanes start right of the spine. */
    var INDENT = 24;             /* Networks start right of the lane's
                                  * bus. */

    var svg = document.getElementById('ofg-graph');
    var NS = svg.namespaceURI;
    var data = JSON.parse(document.getElementById('ofg-data').textContent);
    var cards = [];              /* {g, text} for the search. */

    function el(parent, name, attrs, text) {
        var e = document.createElementNS(NS, name);
        for (var k in attrs) {
            e.setAttribute(k, attrs[k]);
        }
        if (text !== undefined) {
            e.textContent = text;
        }
        parent.appendChild(e);
        return e;
    }

    /* A line of text cut to 'width' px; the whole of it in a tooltip when
     * cut.  Monospace, so that its width is known without measuring, which
     * would lay the page out again for every line. */
    function line(parent, x, y, s, width, cls) {
        var max = Math.floor(width / (cls === 'ofg-title' ? TITLE_CHAR
                                      : CHAR));
        var attrs = {x: x, y: y};
        if (cls) {
            attrs['class'] = cls;
        }
        var cut = s.length > max;
        var t = el(parent, 'text', attrs,
                   cut ? s.slice(0, max - 1) + '\u2026' : s);
        if (cut) {
            el(t, 'title', {}, s);
        }
        return t;
    }

    function edge(parent, points, cls) {
        el(parent, 'polyline', {points: points.join(' '),
                                'class': cls || 'ofg-edge-ok'});
    }

    function when(ms) {
        var ago = Math.round((data.now - ms) / 1000);
        return new Date(ms).toISOString().replace('.000', '') +
            (ago >= 0 ? ' (' + ago + ' s before the picture)' : '');
    }

    /* Groups the containers: lane (switch) then network, both in the
     * config's order, which is by name. */
    function group() {
        var lanes = [], byName = {};
        data.switches.forEach(function (s) {
            var lane = {sw: s, nets: []};
            if (!s.unknown) {
                byName[s.name] = lane;
            }
            lanes.push(lane);
        });
        var any = {sw: null, nets: []};
        var netsUsed = {};
        data.containers.forEach(function (c) {
            var lane = c.switch !== undefined ? byName[c.switch] : any;
            if (!lane.byNet) {
                lane.byNet = {};
            }
            var g = lane.byNet[c.network];
            if (!g) {
                g = lane.byNet[c.network] = {net: null, name: c.network,
                                             containers: []};
                lane.nets.push(g);
            }
            g.containers.push(c);
            netsUsed[c.network] = true;
        });
        if (any.nets.length) {
            lanes.push(any);
        }
        var unused = {sw: null, unused: true, nets: []};
        data.networks.forEach(function (n) {
            lanes.forEach(function (lane) {
                if (lane.byNet && lane.byNet[n.name]) {
                    lane.byNet[n.name].net = n;
                }
            });
            if (!netsUsed[n.name]) {
                unused.nets.push({net: n, name: n.name, containers: []});
            }
        });
        if (unused.nets.length) {
            lanes.push(unused);
        }
        lanes.forEach(function (lane) {
            lane.nets.sort(function (a, b) {
                return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
            });
        });
        return lanes;
    }

    /* The lines of a container's card, and the class of its state. */
    function cardLines(c) {
        var lines = [{s: c.name, cls: 'ofg-title'},
                     {s: 'port ' + c.port + '  ' + c.mac}];
        var addrs = c.ipv4.concat(c.ipv6);
        var opts = [];
        if (c.dhcp) {
            opts.push('DHCP client');
        }
        if (c.multicast) {
            opts.push('multicast');
        }
        if (!addrs.length) {
            addrs = ['(link-local only)'];
        }
        var shown = addrs.length > MAX_ADDRS
            ? addrs.slice(0, MAX_ADDRS - 1).concat(
                ['+' + (addrs.length - MAX_ADDRS + 1) + ' more'])
            : addrs;
        shown.forEach(function (a) { lines.push({s: a}); });
        if (opts.length) {
            lines.push({s: 'may be ' + opts.join(', ')});
        }
        var state = '';
        if (data.live) {
            var l = c.live || {present: false, violations: 0};
            if (l.present) {
                state = 'ofg-up';
                lines.push({s: 'connected' + (l.on !== undefined
                                              ? ' on ' + l.on : '')});
            } else {
                state = 'ofg-down';
                lines.push({s: 'port absent'});
            }
            if (l.violations > 0) {
                state = 'ofg-attack';
                lines.push({s: l.violations + (l.violations === 1 ? ' violation'
                                                   : ' violations'),
                            cls: 'ofg-alert'});
                if (l.last_violation > 0) {
                    lines.push({s: 'last ' + when(l.last_violation),
                                cls: 'ofg-alert'});
                }
            }
        }
        return {lines: lines, state: state, all: addrs};
    }

    function drawCard(parent, c, info, x, y, h) {
        var g = el(parent, 'g', {'class': 'ofg-card ' + info.state,
                                 'data-name': c.name});
        el(g, 'rect', {x: x, y: y, width: CARD_W, height: h, rx: 4});
        el(g, 'title', {}, c.name + '\n' + c.mac + '\n' +
           info.all.join('\n'));
        info.lines.forEach(function (l, i) {
            line(g, x + PAD, y + PAD + FONT + i * LINE, l.s, CARD_W - 2 * PAD,
                 l.cls);
        });
        cards.push({g: g, text: [c.name, c.port, c.mac, c.network,
                                 c.switch || ''].concat(c.ipv4, c.ipv6)
                    .join(' ').toLowerCase()});
    }

    function netLines(n, name) {
        if (!n) {
            return [name];
        }
        var lines = ['network ' + n.name];
        if (n.subnet !== undefined) {
            lines.push('subnet ' + n.subnet);
        }
        if (n.subnet6 !== undefined) {
            lines.push('subnet ' + n.subnet6);
        }
        return lines;
    }

    function gatewayLines(n) {
        var lines = ['gateway'];
        if (n && n.gateway !== undefined) {
            lines.push(n.gateway);
        }
        if (n && n.gateway6 !== undefined) {
            lines.push(n.gateway6);
        }
        if (n && n.gateway_mac !== undefined) {
            lines.push('MAC ' + n.gateway_mac);
        }
        return lines;
    }

    /* Draws network frame 'ng' with its top left at (x, y); returns its
     * size and where its gateway's line leaves it: up from the right end
     * of the gateway, past the end of the network's (cut) label. */
    function drawNetwork(parent, ng, x, y) {
        var n = ng.containers.length;
        var cols = Math.max(1, Math.min(6, Math.ceil(Math.sqrt(n / 3))));
        var rows = Math.ceil(n / cols);
        var infos = ng.containers.map(cardLines);
        var cardH = PAD * 2 + LINE * Math.max.apply(null, infos.map(
            function (i) { return i.lines.length; }).concat([2]));
        var w = Math.max(cols * (TRUNK + CARD_W + GAP) + PAD, 320);
        var head = netLines(ng.net, ng.name);
        var gw = gatewayLines(ng.net);
        var headH = PAD + head.length * LINE + 4;
        var gwH = PAD * 2 + gw.length * LINE;
        var gridY = y + headH + gwH + 20;
        var h = gridY - y + rows * (cardH + GAP) + PAD;

        var g = el(parent, 'g', {'class': 'ofg-network',
                                 'data-name': ng.name});
        el(g, 'rect', {x: x, y: y, width: w, height: h, rx: 6,
                       'class': 'ofg-net'});
        head.forEach(function (s, i) {
            line(g, x + PAD, y + PAD + FONT + i * LINE, s, w - 2 * PAD - 32,
                 i ? '' : 'ofg-title');
        });
        var gwX = x + PAD, gwY = y + headH, gwW = w - 2 * PAD;
        el(g, 'rect', {x: gwX, y: gwY, width: gwW, height: gwH, rx: 4,
                       'class': 'ofg-gw'});
        gw.forEach(function (s, i) {
            line(g, gwX + PAD, gwY + PAD + FONT + i * LINE, s, gwW - 2 * PAD,
                 i ? '' : 'ofg-title');
        });

        /* Each column's trunk hangs from a bus under the gateway. */
        var busY = gwY + gwH + 10;
        var lastX = gwX + 20;
        for (var col = 0; col < cols && col < n; col++) {
            var tx = x + PAD + col * (TRUNK + CARD_W + GAP) + TRUNK / 2;
            var inCol = Math.ceil((n - col) / cols);
            var bottom = gridY + (inCol - 1) * (cardH + GAP) + cardH / 2;
            edge(g, [tx, bottom, tx, busY]);
            lastX = tx;
        }
        if (n) {
            edge(g, [gwX + 20, gwY + gwH, gwX + 20, busY, lastX, busY]);
        }
        ng.containers.forEach(function (c, i) {
            var cx = x + PAD + (i % cols) * (TRUNK + CARD_W + GAP);
            var cy = gridY + Math.floor(i / cols) * (cardH + GAP);
            edge(g, [cx, cy + cardH / 2, cx + TRUNK / 2, cy + cardH / 2]);
            drawCard(g, c, infos[i], cx + TRUNK, cy, cardH);
        });
        return {w: w, h: h, upX: gwX + gwW - 16, upY: gwY};
    }

    function switchLines(lane) {
        if (lane.unused) {
            return ['networks without containers', ''];
        }
        if (!lane.sw) {
            return ['containers on any switch with their port',
                    'no "switch" in their entry'];
        }
        var s = lane.sw;
        var first = 'switch ' + s.name;
        var second = s.unknown
            ? 'connected, but not in the config: no container placed here'
            : 'dpid ' + s.dpid + '   trusted ports: ' + s.trusted.join(', ');
        if (data.live && !s.unknown) {
            var l = s.live;
            first += '   ' + (!l || !l.connected ? 'not connected'
                              : 'connected, ' + l.role + ', ' +
                              (l.synced ? 'in sync'
                               : l.role === 'secondary' ? 'standby'
                               : 'not in sync'));
        }
        return [first, second];
    }

    /* Draws 'lane' from 'y' down; returns the y below it. */
    function drawLane(lane, y, spineX) {
        var g = el(svg, 'g', {'class': 'ofg-lane-group'});
        var head = el(g, 'g', {'class': 'ofg-lane' +
                               (data.live && lane.sw &&
                                !(lane.sw.live && lane.sw.live.connected)
                                ? ' ofg-off' : ''),
                               'data-name': lane.sw ? lane.sw.name : ''});
        var headRect = el(head, 'rect', {x: LEFT, y: y, height: 48, rx: 4});
        switchLines(lane).forEach(function (s, i) {
            line(head, LEFT + PAD, y + 19 + i * 20, s, 1600,
                 i ? '' : 'ofg-title');
        });
        var first = LEFT + INDENT, busX = LEFT + INDENT / 2;
        var x = first, top = y + 48 + 24, rowH = 0, right = LEFT + 600;
        var rowEnd = busX;
        /* Each row of networks hangs from a bus above it, and the rows'
         * buses from one down the lane's left side. */
        function endRow() {
            if (!lane.unused) {
                edge(g, [rowEnd, top - 12, busX, top - 12, busX, y + 48]);
            }
        }
        lane.nets.forEach(function (ng) {
            var probe = Math.max(ng.containers.length, 1);
            var cols = Math.max(1, Math.min(6, Math.ceil(Math.sqrt(probe / 3))));
            var w = Math.max(cols * (TRUNK + CARD_W + GAP) + PAD, 320);
            if (x > first && x + w > MAX_W) {
                endRow();
                x = first;
                top += rowH + 24;
                rowH = 0;
                rowEnd = busX;
            }
            var r = drawNetwork(g, ng, x, top);
            if (!lane.unused) {
                edge(g, [r.upX, r.upY, r.upX, top - 12]);
            }
            rowEnd = r.upX;
            x += r.w + 24;
            rowH = Math.max(rowH, r.h);
            right = Math.max(right, x - 24);
        });
        endRow();
        if (!lane.unused) {
            edge(g, [LEFT, y + 24, spineX, y + 24]);
        }
        headRect.setAttribute('width', right - LEFT);
        return {bottom: top + rowH + 32, right: right};
    }

    function draw() {
        var lanes = group();
        var spineX = 24;
        el(svg, 'rect', {x: 8, y: 8, width: 380, height: 40, rx: 20,
                         'class': 'ofg-outside'});
        el(svg, 'text', {x: 28, y: 33, 'class': 'ofg-title'},
           'outside, through the trusted ports');
        var y = 72, right = 400, lastMid = 48;
        lanes.forEach(function (lane) {
            var r = drawLane(lane, y, spineX);
            if (!lane.unused) {
                lastMid = y + 24;
            }
            y = r.bottom;
            right = Math.max(right, r.right);
        });
        edge(svg, [spineX, lastMid, spineX, 48]);
        svg.setAttribute('width', right + 16);
        svg.setAttribute('height', y);
    }

    function summarize() {
        if (!data.live) {
            return;
        }
        var up = 0, attacking = 0;
        data.containers.forEach(function (c) {
            if (c.live && c.live.present) {
                up++;
            }
            if (c.live && c.live.violations > 0) {
                attacking++;
            }
        });
        var p = document.getElementById('ofg-summary');
        p.textContent += '; at ' + new Date(data.now).toISOString() + ': ' +
            up + ' of ' + data.containers.length + ' containers connected, ' +
            attacking + ' sending what the policy drops';
    }

    function search() {
        var q = document.getElementById('ofg-search').value.trim()
            .toLowerCase();
        var hits = 0, first = null;
        cards.forEach(function (c) {
            var hit = q !== '' && c.text.indexOf(q) >= 0;
            c.g.classList.toggle('ofg-hit', hit);
            c.g.classList.toggle('ofg-dim', q !== '' && !hit);
            if (hit) {
                hits++;
                first = first || c.g;
            }
        });
        document.getElementById('ofg-count').textContent =
            q ? hits + ' of ' + cards.length + ' containers' : '';
        return first;
    }

    /* What a test reads back: the smallest font size any text got. */
    function report() {
        var min = Infinity;
        var texts = document.querySelectorAll('text, body, p, label');
        for (var i = 0; i < texts.length; i++) {
            min = Math.min(min, parseFloat(getComputedStyle(texts[i]).fontSize));
        }
        body.setAttribute('data-cards', cards.length);
        body.setAttribute('data-min-font', min);
        body.setAttribute('data-width', svg.getAttribute('width'));
        body.setAttribute('data-height', svg.getAttribute('height'));
        if (!errors.length) {
            body.setAttribute('data-state', 'ok');
        }
    }

    try {
        draw();
        summarize();
        var box = document.getElementById('ofg-search');
        box.addEventListener('input', search);
        box.addEventListener('keydown', function (e) {
            var first = e.key === 'Enter' && search();
            if (first) {
                first.scrollIntoView({block: 'center', inline: 'center'});
            }
        });
        report();
    } catch (e) {
        fail(e && e.stack ? e.stack : e);
    }
}());
