from spbe.core.qr import qr_svg


def test_the_qr_code_is_inline_svg_with_an_escaped_title_and_no_inline_style():
    svg = qr_svg("https://contoh.go.id/pengaduan/ADU-35.10-2027-000001/", "Kode <QR>")
    assert svg.startswith("<svg")
    assert "<title>Kode &lt;QR&gt;</title>" in svg
    assert "style=" not in svg
