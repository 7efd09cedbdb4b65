"""Convert world-atlas countries-110m.json (TopoJSON) to the compact ring format of pledgebot/data/world-110m.json."""

import json
import sys


def decode_arcs(topo):
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    out = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:  # delta-encoded quantized positions
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        out.append(pts)
    return out


def rings_of(indices, arcs):
    pts = []
    for i in indices:
        a = arcs[i] if i >= 0 else arcs[~i][::-1]  # negative index = reversed arc ~i
        pts.extend(a if not pts else a[1:])  # consecutive arcs share their joint point
    out = []
    for piece in split_antimeridian(pts):
        rounded = []
        for lon, lat in piece:
            p = [round(lon, 2), round(lat, 2)]
            if not rounded or p != rounded[-1]:
                rounded.append(p)
        if rounded[0] != rounded[-1]:
            rounded.append(rounded[0])
        out.append(rounded)
    return out


def _wrap(d):
    return (d + 180) % 360 - 180


def _clip(pts, keep, x_at):
    """Sutherland-Hodgman clip of a closed ring (list of (x, y)) against one vertical half-plane."""
    out = []
    for i, cur in enumerate(pts):
        prev = pts[i - 1]
        if keep(cur):
            if not keep(prev):
                out.append(_cross(prev, cur, x_at))
            out.append(cur)
        elif keep(prev):
            out.append(_cross(prev, cur, x_at))
    return out


def _cross(a, b, x):
    t = (x - a[0]) / (b[0] - a[0])
    return (x, a[1] + t * (b[1] - a[1]))


def split_antimeridian(pts):
    """Cut a ring that crosses lon +-180 (world-atlas v2 is stitched for the sphere) into flat pieces.

    The ring is unwrapped to continuous longitudes; a ring around a pole is closed through the pole;
    then it is clipped to [-180, 180] and the overhang is clipped, shifted by 360 and kept too.
    """
    if all(abs(b[0] - a[0]) <= 180 for a, b in zip(pts, pts[1:], strict=False)):
        return [pts]
    u = [pts[0]]
    for lon, lat in pts[1:]:
        u.append((u[-1][0] + _wrap(lon - u[-1][0]), lat))
    if abs(u[-1][0] - u[0][0]) > 180:  # encircles a pole
        pole = -90.0 if sum(p[1] for p in u) < 0 else 90.0
        u += [(u[-1][0], pole), (u[0][0], pole)]
    elif u[0] == u[-1]:
        u = u[:-1]
    pieces = [_clip(u, lambda p: p[0] >= -180, -180)]
    pieces[0] = _clip(pieces[0], lambda p: p[0] <= 180, 180)
    hi = _clip(u, lambda p: p[0] >= 180, 180)
    lo = _clip(u, lambda p: p[0] <= -180, -180)
    pieces += [[(x - 360, y) for x, y in hi], [(x + 360, y) for x, y in lo]]
    return [q + q[:1] for q in pieces if len(q) >= 3]


def main(src, dst):
    with open(src) as fh:
        topo = json.load(fh)
    arcs = decode_arcs(topo)
    countries = []
    for g in topo["objects"]["countries"]["geometries"]:
        polys = g["arcs"] if g["type"] == "MultiPolygon" else [g["arcs"]]
        rings = [piece for poly in polys for r in poly for piece in rings_of(r, arcs)]
        rings = [r for r in rings if len(r) >= 4]
        countries.append({"name": g["properties"]["name"], "id": g.get("id"), "rings": rings})
    countries.sort(key=lambda c: c["name"])
    doc = {
        "source": (
            "Natural Earth 1:110m Admin 0 countries (v4.1.0, public domain, naturalearthdata.com) via the "
            "world-atlas npm package 2.0.2, countries-110m.json (ISC licence, (c) 2013-2019 Michael Bostock); "
            "TopoJSON arcs decoded to lon/lat rings, cut at the antimeridian, rounded to 2 decimals"
        ),
        "countries": countries,
    }
    with open(dst, "w") as f:
        json.dump(doc, f, separators=(",", ":"), ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
