from clerk.extract.ocr.text import OcrPage, OcrWord, ScanText, words_from_reply


def _page(*lines: list[tuple[str, float]]) -> OcrPage:
    words = [OcrWord(text, conf, (1, 1, number)) for number, line in enumerate(lines, 1) for text, conf in line]
    return OcrPage(0, "ocr", tuple(words))


def test_words_become_lines_a_template_can_read():
    page = _page([("IBAN:", 0.96), ("DE02", 0.91), ("1203", 0.62)], [("Zahlbetrag", 0.97), ("9.128,25", 0.88)])
    scan = ScanText((page,))
    assert scan.text == "IBAN: DE02 1203\nZahlbetrag 9.128,25"
    start = scan.text.index("DE02")
    assert scan.confidence(start, start + len("DE02 1203")) == 0.62    # the weakest word decides
    amount = scan.text.index("9.128,25")
    assert scan.confidence(amount, amount + 8) == 0.88
    assert scan.confidence(amount + 2, amount + 3) == 0.88             # part of a word is that word


def test_text_layer_pages_keep_their_text_and_full_confidence():
    scan = ScanText((OcrPage(0, "text_layer", text_layer="Invoice number: A-1\r\n"),
                     _page([("Total", 0.5), ("12.00", 0.9)])))
    assert scan.text == "Invoice number: A-1\n\nTotal 12.00"
    assert scan.confidence(0, 19) == 1.0
    assert scan.confidence(scan.text.index("Total"), len(scan.text)) == 0.5


def test_page_confidence_weights_long_words():
    page = _page([("DE02120300000000202051", 0.9), ("x", 0.1)])
    assert round(page.mean_confidence, 3) == round((0.9 * 22 + 0.1) / 23, 3)
    assert page.readable
    assert not OcrPage(0, "ocr").readable and OcrPage(0, "ocr").mean_confidence == 0.0


def test_child_rows_are_clamped_not_trusted():
    words = words_from_reply([["a", 250, 1, 1, 1], ["b", -3, "2", 1, 1]])
    assert [(w.confidence, w.line) for w in words] == [(1.0, (1, 1, 1)), (0.0, (2, 1, 1))]
