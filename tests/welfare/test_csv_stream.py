"""Files sent while they are made (welfare/common/csv_stream.py): the header before any row is read, then a chunk
every few rows, every cell spreadsheet-safe; the chunks in the language of the request that asked for them."""

from __future__ import annotations

from django.utils import translation

from welfare.common.csv_stream import in_language, stream_csv


def test_the_header_goes_first_then_a_chunk_every_few_rows():
    read: list[int] = []

    def rows():
        for i in range(5):
            read.append(i)
            yield [f"=cmd{i}", i]

    chunks = stream_csv(["이름", "번호"], rows(), rows_per_chunk=2)
    first = next(chunks)
    assert first.decode("utf-8-sig") == "이름,번호\r\n" and read == []  # sent before any row is read
    rest = list(chunks)
    assert [chunk.decode().count("\r\n") for chunk in rest] == [2, 2, 1]
    text = (first + b"".join(rest)).decode("utf-8-sig")
    assert text.startswith("이름") and "'=cmd0,0" in text  # a formula is written as text


def test_the_chunks_are_made_in_the_language_of_the_request_that_asked_for_them():
    def language():
        yield translation.get_language().encode()

    with translation.override("en"):
        chunks = in_language(language())  # the view, in the request's language
    with translation.override("ko"):  # the server reads the file later, another language active
        assert list(chunks) == [b"en"]
