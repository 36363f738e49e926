#!/usr/bin/env python3
"""graph-check.py: checks for tests/graph.test (Python 3 standard library).

  graph-check.py page CONFIG.json PAGE.html
      The page as ofguard wrote it: nothing that could fetch anything, and
      exactly the two script elements of the page.
  graph-check.py dom CONFIG.json DOM.html [--max-width PX] [--max-height PX]
             [--up NAME...] [--down NAME...]
      The DOM after the page's script ran ("chromium --dump-dom"): no
      error reported, a card per container, every name and address of the
      config drawn in the picture (text or tooltip), fonts of 11 px or more,
      and with --up/--down/--attack the live state of those containers'
      cards (connected, absent, sending violations).
  graph-check.py png FILE.png COLOR...
      A screenshot that is not blank and shows each COLOR (#rrggbb), the
      fills of the picture's elements.
"""

import html.parser
import ipaddress
import json
import re
import struct
import sys
import zlib


def fail(msg):
    print('graph-check: ' + msg)
    sys.exit(1)


def check_page(config, text):
    # The data may hold anything the config's names do, but no "<": nothing
    # in it can end its element.  Outside it, the only "http" the page may
    # hold is the CSP's "http-equiv".
    m = re.search(r'<script type="application/json" id="ofg-data">'
                  r'([^<]*)</script>', text)
    if not m:
        fail('no data element, or a "<" in the data')
    json.loads(m.group(1))
    text = text[:m.start(1)] + text[m.end(1):]
    bad = re.findall(r'(?i)(https?:|ftp:|//[a-z0-9]|src\s*=|href\s*=|'
                     r'url\(|@import|<link|<iframe|<img|<object|<embed)',
                     text.replace('http-equiv', ''))
    if bad:
        fail('the page refers to something outside it: %s' % sorted(set(bad)))
    if len(re.findall(r'(?i)<script', text)) != 2:
        fail('expected exactly 2 <script> elements, found %d'
             % len(re.findall(r'(?i)<script', text)))


class SvgText(html.parser.HTMLParser):
    """Collects the text of the picture and its cards' classes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.text = []
        self.cards = {}
        self.body = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == 'body':
            self.body = a
        if tag == 'svg' and a.get('id') == 'ofg-graph':
            self.depth = 1
        elif self.depth and tag not in ('rect', 'polyline', 'line'):
            self.depth += 1
        if self.depth and tag == 'g' and 'ofg-card' in a.get('class', ''):
            self.cards[a.get('data-name')] = a.get('class').split()

    def handle_endtag(self, tag):
        if self.depth and tag not in ('rect', 'polyline', 'line'):
            self.depth -= 1
            self.text.append('\n')

    def handle_data(self, data):
        if self.depth:
            self.text.append(data)


def addr(s):
    """An address or prefix as ofguard prints it."""
    n = ipaddress.ip_network(s, strict=False)
    if n.prefixlen == n.max_prefixlen:
        return str(n.network_address)
    return str(n)


def expected_strings(config):
    want = []
    for name, n in config.get('networks', {}).items():
        want.append(name)
        for k in ('subnet', 'gateway', 'subnet6', 'gateway6'):
            if k in n:
                want.append(addr(n[k]))
        if 'gateway_mac' in n:
            want.append(n['gateway_mac'].lower())
    for name, s in config.get('switches', {}).items():
        want.append(name)
        want.extend(s.get('trusted_ports', ['LOCAL']))
    for name, c in config.get('containers', {}).items():
        want.extend([name, c['port'], c['mac'].lower()])
        want.extend(addr(a) for a in c.get('ipv4', []) + c.get('ipv6', []))
    return want


def check_dom(config, text, args):
    p = SvgText()
    p.feed(text)
    body = p.body
    if body.get('data-state') != 'ok':
        fail('the page reports state %r, errors %r'
             % (body.get('data-state'), body.get('data-errors')))
    n = len(config.get('containers', {}))
    if int(body.get('data-cards', -1)) != n or len(p.cards) != n:
        fail('%s cards drawn (%d in the DOM) for %d containers'
             % (body.get('data-cards'), len(p.cards), n))
    if float(body.get('data-min-font', 0)) < 11:
        fail('smallest font %s px' % body.get('data-min-font'))
    w, h = float(body['data-width']), float(body['data-height'])
    if w > args['max-width'] or h > args['max-height']:
        fail('picture of %gx%g px, larger than %gx%g'
             % (w, h, args['max-width'], args['max-height']))
    drawn = ''.join(p.text)
    missing = [s for s in expected_strings(config) if s not in drawn]
    if missing:
        fail('not in the picture: %s' % missing[:20])
    for name in args['up']:
        if 'ofg-up' not in p.cards.get(name, []):
            fail('%s not drawn as connected: %s' % (name, p.cards.get(name)))
    for name in args['down']:
        if 'ofg-down' not in p.cards.get(name, []):
            fail('%s not drawn as absent: %s' % (name, p.cards.get(name)))
    for name in args['attack']:
        if 'ofg-attack' not in p.cards.get(name, []):
            fail('%s not drawn as violating: %s' % (name, p.cards.get(name)))
    for name in args['up'] + args['down']:
        if 'ofg-attack' in p.cards.get(name, []):
            fail('%s drawn as violating: %s' % (name, p.cards.get(name)))
    print('picture %gx%g px, %d cards, smallest font %s px'
          % (w, h, n, body['data-min-font']))


def png_pixels(data):
    """The RGB(A) rows of an 8-bit, non-interlaced PNG, unfiltered."""
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        fail('not a PNG')
    pos, idat = 8, b''
    while pos < len(data):
        length, kind = struct.unpack('>I4s', data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b'IHDR':
            width, height, depth, ctype, _, _, interlace = \
                struct.unpack('>IIBBBBB', chunk)
        elif kind == b'IDAT':
            idat += chunk
        pos += 12 + length
    if depth != 8 or ctype not in (2, 6) or interlace:
        fail('unexpected PNG format (depth %d, color type %d)'
             % (depth, ctype))
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    prev = bytearray(stride)
    rows = []
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pred) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, bpp, rows


def check_png(data, colors):
    width, height, bpp, rows = png_pixels(data)
    counts = {}
    for row in rows[::2]:
        for x in range(0, len(row), bpp * 2):
            px = row[x:x + 3]
            counts[px] = counts.get(px, 0) + 1
    if len(counts) < 8:
        fail('the screenshot is blank: %d colours' % len(counts))
    for color in colors:
        rgb = bytes.fromhex(color.lstrip('#'))
        if counts.get(rgb, 0) < 20:
            fail('colour %s not in the screenshot (%d samples)'
                 % (color, counts.get(rgb, 0)))
    print('screenshot %dx%d, %d colours' % (width, height, len(counts)))


def main():
    mode, argv = sys.argv[1], sys.argv[2:]
    if mode == 'png':
        with open(argv[0], 'rb') as f:
            check_png(f.read(), argv[1:])
        return
    with open(argv[0]) as f:
        config = json.load(f)
    with open(argv[1], encoding='utf-8') as f:
        text = f.read()
    if mode == 'page':
        check_page(config, text)
        return
    args = {'max-width': 2400, 'max-height': 20000, 'up': [], 'down': [],
            'attack': []}
    key = None
    for a in argv[2:]:
        if a.startswith('--'):
            key = a[2:]
        elif key in ('up', 'down', 'attack'):
            args[key].append(a)
        else:
            args[key] = float(a)
    check_dom(config, text, args)


if __name__ == '__main__':
    main()
