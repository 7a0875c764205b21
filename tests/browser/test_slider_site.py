"""Every static slider of the built book, at random combinations of all its controls.

For each slider figure on each page: set every control at once to random positions (several
times), and check that the page paints the frame the library precomputed for exactly that
combination (the frame number decoded here from the page's own data, the pixels against a
fresh paint of that frame), that the picture changes when the frame does, that the labels read
out the chosen values, and that no JavaScript error occurs. Then the controls' contrast on the
dark theme. Run after a build; NNBOOK_SITE points at another built site.
"""

from __future__ import annotations

import base64
import gzip
import json
import random
import re

import pytest

from conftest import SITE, book_pages

SLIDER_PAGES = [p for p in book_pages() if 'class="nnbook-slider"' in (SITE / p).read_text(encoding="utf-8")]
TRIALS = 6


def page_data(html: str) -> list[tuple[dict, dict]]:
    """Each slider's clear metadata and its decoded scene data, straight from the built HTML."""
    metas = re.findall(r'<script type="application/json" class="nnbook-slider-meta">(.*?)</script>', html)
    payloads = re.findall(r'<script type="application/octet-stream" class="nnbook-slider-data">(.*?)</script>', html)
    return [(json.loads(m), json.loads(gzip.decompress(base64.b64decode(p)))) for m, p in zip(metas, payloads)]


@pytest.fixture()
def open_page(browser, site_url):
    contexts = []

    def open_(path: str, theme: str = "light"):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=theme, device_scale_factor=1)
        context.add_init_script(f"localStorage.setItem('mode', '{theme}'); localStorage.setItem('theme', '{theme}');")
        contexts.append(context)
        page = context.new_page()
        problems: list[str] = []
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        page.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}") if msg.type in ("error", "warning") else None)
        page.goto(site_url + path, wait_until="load")
        return page, problems

    yield open_
    for context in contexts:
        context.close()


def test_the_book_has_static_sliders():
    assert SLIDER_PAGES, f"no page of {SITE} holds a static slider"


@pytest.mark.parametrize("path", SLIDER_PAGES)
def test_random_combinations_paint_their_precomputed_frames(open_page, path):
    page, problems = open_page(path)
    figures = page_data((SITE / path).read_text(encoding="utf-8"))
    roots = page.locator(".nnbook-slider")
    assert roots.count() == len(figures)
    for n, (meta, data) in enumerate(figures):
        root = roots.nth(n)
        root.scroll_into_view_if_needed()
        controls = root.locator("[data-control]").all()
        assert len(controls) == len(meta["sizes"])
        rng = random.Random(f"{path}:{n}")
        previous: tuple[int, str] | None = None
        for _trial in range(TRIALS):
            positions = [rng.randrange(size) for size in meta["sizes"]]
            for control, k in zip(controls, positions):
                if control.evaluate("e => e.tagName") == "SELECT":
                    control.select_option(str(k))
                else:
                    control.fill(str(k))
            combo = 0
            for size, k in zip(meta["sizes"], positions):
                combo = combo * size + k
            # A control already at its position fires no event: announce the change once more.
            root.evaluate("r => r.querySelector('[data-control]').dispatchEvent(new Event('input'))")
            root.page.wait_for_function(
                "([r, c]) => r.dataset.painted == c", arg=[root.element_handle(), combo], timeout=20_000
            )
            frame = int(root.get_attribute("data-frame"))
            assert frame == data["combos"][combo], f"figure {n} on {path}: combination {positions} painted frame {frame}"
            shown, fresh = root.evaluate(
                "async (r, f) => { const c = document.createElement('canvas'); await r.nnbookSlider.paint(f, c);"
                "return [r.querySelector('canvas').toDataURL(), c.toDataURL()]; }",
                frame,
            )
            assert shown == fresh, f"figure {n} on {path}: the canvas is not frame {frame}"
            assert root.locator("img").is_hidden() and root.locator("canvas").is_visible()
            for control, k, labels in zip(controls, positions, meta["labels"]):
                if control.evaluate("e => e.tagName") == "INPUT":
                    assert control.get_attribute("aria-valuetext") == labels[k]
                    assert control.evaluate("e => e.parentElement.querySelector('output').textContent") == labels[k]
                else:
                    assert control.evaluate("e => e.options[e.selectedIndex].textContent") == labels[k]
            if previous is not None and data["frames"][previous[0]] != data["frames"][frame]:
                assert shown != previous[1], f"figure {n} on {path}: moving to {positions} did not change the picture"
            previous = (frame, shown)
    assert not problems, "\n".join(problems)


def rgb(css: str) -> list[float]:
    return [float(v) for v in re.findall(r"[\d.]+", css)[:3]]


def luminance(channels: list[float]) -> float:
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (v / 255 for v in channels)]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_controls_read_well_on_both_themes(open_page, theme):
    if not SLIDER_PAGES:
        pytest.skip("no slider pages")
    page, problems = open_page(SLIDER_PAGES[0], theme)
    pairs = page.evaluate(
        """() => Array.from(document.querySelectorAll(
                '.nnbook-slider-controls label, .nnbook-slider-controls select, .nnbook-slider-note')).map(e => {
            let el = e, bg = 'rgba(0, 0, 0, 0)';
            while (el && (bg === 'rgba(0, 0, 0, 0)' || bg === 'transparent')) { bg = getComputedStyle(el).backgroundColor; el = el.parentElement; }
            return [getComputedStyle(e).color, bg, getComputedStyle(e).opacity];
        })"""
    )
    assert pairs
    for color, background, opacity in pairs:
        alpha = float(opacity)  # the text is blended with the page by its opacity
        ink = [alpha * c + (1 - alpha) * b for c, b in zip(rgb(color), rgb(background))]
        light, dark = sorted([luminance(ink), luminance(rgb(background))], reverse=True)
        ratio = (light + 0.05) / (dark + 0.05)
        assert ratio >= 4.5, f"{theme}: text {color} (opacity {opacity}) on {background} has contrast {ratio:.1f} < 4.5"
    assert not problems, "\n".join(problems)
