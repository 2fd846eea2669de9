"""Writes JPEGs of several sizes and aspect ratios with OpenCV, and for each what OpenCV and MLPerf's reference
preprocessing make of it, for the Imaging tests.

    python3 make_jpegs.py OUT

For each NAME.jpg: NAME.decoded.bin (cv2.imread as RGB bytes, H×W×3) and NAME.ref.bin (float32 224×224×3: the
reference's pre_process_vgg without the transpose: BGR→RGB, INTER_AREA resize of the short side to 256, centre
crop 224, means subtracted). Prints a JSON list of [NAME, width, height].
"""
import json
import sys

import cv2
import numpy as np

rng = np.random.default_rng(15)
SIZES = [
    ("landscape_500x375", 500, 375), ("portrait_375x500", 375, 500), ("vga_640x480", 640, 480),
    ("square_512", 512, 512), ("square_256", 256, 256), ("small_200x150", 200, 150), ("tall_300x1000", 300, 1000),
    ("xga_1024x768", 1024, 768), ("odd_257x300", 257, 300), ("wide_1000x333", 1000, 333), ("tiny_100x80", 100, 80),
    ("grey_480x360", 480, 360),
]


def picture(w, h):
    """Smooth gradients, shapes and noise: detail at every scale, so every resize weight matters."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    img = np.stack([
        127 + 120 * np.sin(x / (7 + w / 50)) * np.cos(y / 13),
        127 + 120 * np.cos((x + y) / 23),
        255 * (x / w) * (y / h),
    ], axis=-1)
    img += rng.normal(0, 25, img.shape)
    cv2.circle(img, (w // 3, h // 2), min(w, h) // 4, (250, 10, 128), -1)
    return np.clip(img, 0, 255).astype(np.uint8)


def reference(bgr):
    img = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
    height, width, _ = img.shape
    new = int(100.0 * 224 / 87.5)
    if height > width:
        w, h = new, int(new * height / width)
    else:
        h, w = new, int(new * width / height)
    img = cv2.resize(img, (w, h), interpolation=cv2.INTER_AREA)
    left, top = int((w - 224) / 2), int((h - 224) / 2)
    img = np.asarray(img[top:top + 224, left:left + 224], dtype="float32")
    return img - np.array([123.68, 116.78, 103.94], dtype=np.float32)


def main():
    out = sys.argv[1]
    listed = []
    for name, w, h in SIZES:
        img = picture(w, h)
        if name.startswith("grey"):
            img = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
        cv2.imwrite(f"{out}/{name}.jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 90])
        bgr = cv2.imread(f"{out}/{name}.jpg")
        cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB).tofile(f"{out}/{name}.decoded.bin")
        reference(bgr).tofile(f"{out}/{name}.ref.bin")
        listed.append([name, w, h])
    print(json.dumps(listed))


if __name__ == "__main__":
    main()
