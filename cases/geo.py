"""Is a reported location in Thailand? A coarse outline, generous at sea, tight at land borders.

A bounding box would accept Vientiane, Phnom Penh's outskirts and Myanmar's Tanintharyi coast, so a
hand-drawn polygon of ~60 vertices (longitude, latitude) follows the Mekong, the Dangrek range and
the Myanmar and Malaysian borders to within a few kilometres; coastal islands (Phuket, Samui,
Tarutao, Ko Kut) fall inside. Points right on a river border may go either way: the agency still
reads the address.
"""

from __future__ import annotations

THAILAND_OUTLINE: tuple[tuple[float, float], ...] = (
    (99.90, 20.47),
    (100.10, 20.38),
    (100.36, 20.42),
    (100.55, 20.20),
    (100.45, 19.60),
    (100.90, 19.55),
    (101.30, 19.55),
    (101.20, 19.10),
    (101.05, 18.42),
    (101.20, 17.95),
    (101.60, 17.80),
    (102.10, 18.20),
    (102.65, 17.85),
    (103.05, 18.00),
    (103.45, 18.45),
    (104.05, 18.25),
    (104.80, 17.40),
    (104.75, 16.55),
    (105.05, 16.05),
    (105.60, 15.75),
    (105.50, 15.20),
    (105.60, 14.35),
    (105.20, 14.35),
    (104.50, 14.40),
    (103.60, 14.45),
    (102.90, 14.20),
    (102.54, 13.75),
    (102.54, 13.55),
    (102.40, 13.40),
    (102.50, 12.70),
    (102.80, 12.40),
    (102.95, 11.60),
    (102.55, 11.40),
    (101.80, 12.30),
    (100.75, 12.60),
    (100.80, 13.45),
    (100.55, 13.35),
    (100.05, 13.25),
    (100.00, 12.40),
    (99.95, 11.50),
    (99.50, 10.40),
    (100.10, 10.10),
    (100.20, 9.30),
    (100.40, 8.40),
    (100.60, 7.30),
    (101.30, 6.95),
    (102.12, 6.25),
    (101.90, 5.90),
    (101.60, 5.80),
    (101.05, 5.60),
    (100.90, 6.25),
    (100.40, 6.45),
    (100.15, 6.42),
    (99.25, 6.35),
    (99.05, 7.30),
    (98.45, 7.55),
    (98.20, 7.75),
    (98.15, 8.60),
    (98.25, 9.40),
    (98.58, 9.90),
    (98.75, 10.35),
    (99.20, 10.90),
    (99.60, 11.75),
    (99.20, 12.40),
    (99.15, 13.20),
    (98.60, 13.90),
    (98.20, 15.10),
    (98.55, 15.35),
    (98.60, 16.20),
    (98.50, 16.75),
    (97.70, 17.80),
    (97.75, 18.45),
    (97.35, 18.55),
    (97.70, 19.50),
    (97.85, 19.80),
    (98.30, 19.75),
    (98.95, 19.80),
    (99.30, 20.10),
    (99.55, 20.15),
    (99.90, 20.47),
)


def inside_thailand(lat: float, lon: float) -> bool:
    """Even-odd ray casting against THAILAND_OUTLINE."""
    inside = False
    points = THAILAND_OUTLINE
    for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True):
        if (y1 > lat) != (y2 > lat):
            x_cross = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
            if lon < x_cross:
                inside = not inside
    return inside
