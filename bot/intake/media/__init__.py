"""Media submissions: Telegram files downloaded safely, text read from images (docs/media.md).

- `files.py`  download a Telegram file within limits, tell its kind from its bytes, hash it
- `ocr.py`    read the text of an image with Tesseract (bounded, in a subprocess per image)
"""
