"""Media processing on local files: HLS ladders with ffmpeg, signed-delivery playlist rewriting,
thumbnails, document previews and the regulation article splitter. No database."""

from __future__ import annotations

import logging
import os
import re
import stat
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from partycloud.core.api import exception_handler
from services.media import MediaError
from services.media.documents import PREAMBLE, Article, page_count, render_preview, split_articles
from services.media.hls import is_safe_relative, rewrite_master_playlist, rewrite_media_playlist
from services.media.images import image_size, make_thumbnail
from services.media.video import (
    DEFAULT_LADDER,
    HlsOutput,
    Rendition,
    probe,
    select_renditions,
    transcode_to_hls,
)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# --- video -----------------------------------------------------------------------------------


def _ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-nostdin", "-y", "-hide_banner", "-loglevel", "error", *args], check=True)


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("sources")
    hd, small = folder / "hd.mp4", folder / "small.mp4"
    _ffmpeg(
        *("-f", "lavfi", "-i", "testsrc=size=1280x720:rate=25", "-f", "lavfi", "-i", "sine=frequency=440"),
        *("-t", "4", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", str(hd)),
    )
    _ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "testsrc=size=640x360:rate=25",
        "-t",
        "4",
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        str(small),
    )
    return {"hd": hd, "small": small}


@dataclass
class Transcoded:
    output: HlsOutput
    out_dir: Path
    progress: list[float]
    seconds: float


@pytest.fixture(scope="module")
def transcoded(sources: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Transcoded]:
    results = {}
    for name, source in sources.items():
        out_dir = tmp_path_factory.mktemp(f"hls-{name}")
        calls: list[float] = []
        started = time.monotonic()
        # 2 s segments so that the 4 s samples give several segments per rung.
        output = transcode_to_hls(source, out_dir, progress=calls.append, segment_seconds=2)
        results[name] = Transcoded(output, out_dir, calls, time.monotonic() - started)
    hd = results["hd"]
    logging.getLogger(__name__).warning("4 s 720p sample transcoded in %.2f s", hd.seconds)
    return results


def _playlist_entries(text: str) -> tuple[list[str], list[str]]:
    lines = text.splitlines()
    return [line for line in lines if line.startswith("#")], [
        line for line in lines if line and not line.startswith("#")
    ]


def test_probe_reads_duration_size_audio_and_codec(sources: dict[str, Path]):
    hd = probe(sources["hd"])
    assert (hd.width, hd.height, hd.has_audio, hd.codec) == (1280, 720, True, "h264")
    assert hd.duration == pytest.approx(4, abs=0.1)
    small = probe(sources["small"])
    assert (small.width, small.height, small.has_audio) == (640, 360, False)


def test_720p_source_gets_360p_and_720p_rungs_in_the_master_playlist(transcoded: dict[str, Transcoded]):
    hd = transcoded["hd"]
    assert hd.output.renditions == ["360p", "720p"]
    master = hd.output.master.read_text()
    assert master.startswith("#EXTM3U\n")
    tags, uris = _playlist_entries(master)
    assert uris == ["360p/index.m3u8", "720p/index.m3u8"]
    variants = [tag for tag in tags if tag.startswith("#EXT-X-STREAM-INF:")]
    assert "RESOLUTION=640x360" in variants[0]
    assert "RESOLUTION=1280x720" in variants[1]
    for variant in variants:
        assert re.search(r"BANDWIDTH=\d+", variant)
        assert re.search(r'CODECS="avc1\.4d40[0-9a-f]{2},mp4a\.40\.2"', variant)


def test_360p_source_without_audio_gets_the_360p_rung_only(transcoded: dict[str, Transcoded]):
    small = transcoded["small"]
    assert small.output.renditions == ["360p"]
    tags, uris = _playlist_entries(small.output.master.read_text())
    assert uris == ["360p/index.m3u8"]
    assert 'CODECS="avc1.4d401e"' in tags[-1]


@pytest.mark.parametrize("name", ["hd", "small"])
def test_each_rung_is_a_vod_playlist_whose_segments_exist_and_add_up(transcoded: dict[str, Transcoded], name: str):
    result = transcoded[name]
    assert result.output.duration == pytest.approx(4, abs=0.1)
    for rung in result.output.renditions:
        playlist = result.out_dir / rung / "index.m3u8"
        tags, segments = _playlist_entries(playlist.read_text())
        assert "#EXT-X-PLAYLIST-TYPE:VOD" in tags
        assert tags[-1] == "#EXT-X-ENDLIST"
        assert len(segments) >= 2
        assert all(re.fullmatch(r"seg_\d{5}\.ts", segment) for segment in segments)
        assert all((playlist.parent / segment).stat().st_size > 0 for segment in segments)
        durations = [float(tag.split(":")[1].split(",")[0]) for tag in tags if tag.startswith("#EXTINF:")]
        assert sum(durations) == pytest.approx(4, abs=1)
    on_disk = {path.relative_to(result.out_dir) for path in result.out_dir.rglob("*") if path.is_file()}
    assert set(result.output.files) == on_disk


@pytest.mark.parametrize(("name", "size"), [("hd", (1280, 720)), ("small", (640, 360))])
def test_poster_is_a_jpeg_of_the_source_size_capped_at_1280_wide(
    transcoded: dict[str, Transcoded], name: str, size: tuple[int, int]
):
    poster = transcoded[name].output.poster
    assert poster == transcoded[name].out_dir / "poster.jpg"
    with Image.open(poster) as image:
        assert (image.format, image.size) == ("JPEG", size)


def test_progress_is_monotonic_throttled_and_ends_at_one(transcoded: dict[str, Transcoded]):
    for result in transcoded.values():
        calls = result.progress
        assert calls[-1] == 1.0
        assert calls.count(1.0) == 1
        assert calls == sorted(calls)
        assert all(0 <= fraction <= 1 for fraction in calls)
        assert len(calls) <= 2 * result.seconds + 2


@pytest.mark.parametrize(
    "content",
    [
        os.urandom(4096),
        "这不是视频，只是一段文字。\n".encode(),
        # An HLS playlist dressed as MP4 would make ffmpeg open the files it names.
        b"#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n",
    ],
    ids=["random-bytes", "text", "playlist"],
)
def test_non_video_input_is_refused(tmp_path: Path, content: bytes):
    source = tmp_path / "upload.mp4"
    source.write_bytes(content)
    with pytest.raises(MediaError) as refused:
        transcode_to_hls(source, tmp_path / "out")
    assert refused.value.code == "media.not_video"
    assert not (tmp_path / "out").exists()


def test_a_still_image_is_not_a_video(tmp_path: Path):
    source = tmp_path / "photo.mp4"
    Image.new("RGB", (64, 64), "red").save(source, format="PNG")
    with pytest.raises(MediaError) as refused:
        probe(source)
    assert refused.value.code == "media.not_video"


def test_ffmpeg_failure_logs_stderr_but_tells_the_user_only_that_conversion_failed(
    sources: dict[str, Path], tmp_path: Path, caplog: pytest.LogCaptureFixture
):
    # A folder where ffmpeg must write the first segment: it cannot (and still exits with status 0).
    (tmp_path / "360p" / "seg_00000.ts").mkdir(parents=True)
    with caplog.at_level(logging.ERROR, logger="services.media.video"), pytest.raises(MediaError) as failed:
        transcode_to_hls(sources["small"], tmp_path)
    assert failed.value.code == "media.transcode_failed"
    assert "seg_00000" not in failed.value.message
    assert "Failed to open file '360p/seg_00000.ts'" in caplog.text


def test_timeout_is_reported_as_media_timeout(sources: dict[str, Path], tmp_path: Path):
    started = time.monotonic()
    with pytest.raises(MediaError) as timed_out:
        # Enough for the probe, not for the transcode (about 1 s): ffmpeg is killed on the way.
        transcode_to_hls(sources["hd"], tmp_path, timeout_seconds=0.4)
    assert timed_out.value.code == "media.timeout"
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    ("source_height", "expected"),
    [(1080, [("360p", 360), ("720p", 720)]), (720, [("360p", 360), ("720p", 720)]), (480, [("360p", 360)]),
     (240, [("360p", 240)]), (241, [("360p", 240)])],
)  # fmt: skip
def test_ladder_skips_rungs_taller_than_the_source_but_keeps_the_smallest(source_height: int, expected: list):
    rungs = select_renditions(DEFAULT_LADDER[::-1], source_height)
    assert [(rung.name, rung.height) for rung in rungs] == expected


def test_rendition_names_must_be_plain_folder_names(sources: dict[str, Path], tmp_path: Path):
    with pytest.raises(ValueError, match="folder name"):
        transcode_to_hls(sources["small"], tmp_path, ladder=(Rendition("../x", 360, 800, 96),))


# --- HLS playlists for signed delivery -------------------------------------------------------

MEDIA_PLAYLIST = (
    "#EXTM3U\r\n"
    "#EXT-X-VERSION:6\r\n"
    "#EXT-X-TARGETDURATION:6\r\n"
    "#EXT-X-PLAYLIST-TYPE:VOD\r\n"
    '#EXT-X-KEY:METHOD=AES-128,URI="keys/key.bin",IV=0x00000000000000000000000000000001\r\n'
    '#EXT-X-MAP:URI="init.mp4",BYTERANGE="720@0"\r\n'
    "## a comment stays\r\n"
    "#EXTINF:6.000000,\r\n"
    "seg_00000.ts\r\n"
    "\r\n"
    '#EXTINF:2.040000,title with URI="x"\r\n'
    "  seg_00001.ts  \r\n"
    "#EXT-X-ENDLIST\r\n"
)


def _sign(uri: str) -> str:
    return f"https://s3.example/bucket/t/a/video/42/{uri}?X-Amz-Signature=abc&X-Amz-Expires=300"


def test_media_playlist_signs_every_uri_and_keeps_every_other_byte():
    rewritten = rewrite_media_playlist(MEDIA_PLAYLIST, _sign)
    expected = (
        MEDIA_PLAYLIST.replace('URI="keys/key.bin"', f'URI="{_sign("keys/key.bin")}"')
        .replace('URI="init.mp4"', f'URI="{_sign("init.mp4")}"')
        .replace("\r\nseg_00000.ts", f"\r\n{_sign('seg_00000.ts')}")
        .replace("  seg_00001.ts  ", f"  {_sign('seg_00001.ts')}  ")
    )
    assert rewritten == expected


def test_master_playlist_points_variants_and_alternative_media_to_the_playlist_url():
    master = (
        "#EXTM3U\n"
        '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac",NAME="中文",URI="audio/index.m3u8"\n'
        '#EXT-X-STREAM-INF:BANDWIDTH=985600,RESOLUTION=640x360,CODECS="avc1.4d401e,mp4a.40.2",AUDIO="aac"\n'
        "360p/index.m3u8\n"
    )
    rewritten = rewrite_master_playlist(master, lambda uri: f"/api/v1/videos/42/hls/{uri}")
    assert rewritten == master.replace('URI="audio/', 'URI="/api/v1/videos/42/hls/audio/').replace(
        "\n360p/", "\n/api/v1/videos/42/hls/360p/"
    )


def test_playlists_made_by_the_transcoder_rewrite_cleanly(transcoded: dict[str, Transcoded]):
    hd = transcoded["hd"]
    master = rewrite_master_playlist(hd.output.master.read_text(), lambda uri: f"/hls/{uri}")
    assert _playlist_entries(master)[1] == ["/hls/360p/index.m3u8", "/hls/720p/index.m3u8"]
    media = rewrite_media_playlist((hd.out_dir / "720p" / "index.m3u8").read_text(), _sign)
    assert all(uri.startswith("https://s3.example/") for uri in _playlist_entries(media)[1])


@pytest.mark.parametrize(
    "uri",
    ["../other/seg.ts", "360p/../../x.ts", "/etc/passwd", "//evil.example/x.ts", "https://evil.example/x.ts",
     "file:///etc/passwd", "seg.ts?x=1", "a//b.ts", "./seg.ts", "seg 1.ts", "%2e%2e/x.ts", "..\\x.ts", ""],
)  # fmt: skip
def test_unsafe_uris_are_rejected_in_lines_and_attributes(uri: str):
    assert not is_safe_relative(uri)
    if not uri:
        return
    with pytest.raises(MediaError) as in_line:
        rewrite_media_playlist(f"#EXTM3U\n#EXTINF:6,\n{uri}\n", _sign)
    with pytest.raises(MediaError) as in_attribute:
        rewrite_media_playlist(f'#EXTM3U\n#EXT-X-KEY:METHOD=AES-128,URI="{uri}"\n', _sign)
    assert in_line.value.code == in_attribute.value.code == "media.unsafe_uri"


@pytest.mark.parametrize("uri", ["seg_00001.ts", "360p/index.m3u8", "keys/k-1.bin", "a/b/c_d~e.ts"])
def test_plain_relative_names_are_safe(uri: str):
    assert is_safe_relative(uri)


@pytest.mark.parametrize(
    ("text", "rewrite"),
    [
        ("seg_00000.ts\n", rewrite_media_playlist),
        ("\ufeff#EXTM3U\nseg.ts\n", rewrite_media_playlist),
        ("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n360p/index.m3u8\n", rewrite_media_playlist),
        ("#EXTM3U\n#EXTINF:6,\nseg.ts\n", rewrite_master_playlist),
        ('#EXTM3U\n#EXT-X-SESSION-KEY:METHOD=AES-128,URI="k.bin"\n', rewrite_master_playlist),
    ],
    ids=["no-header", "bom", "master-as-media", "media-as-master", "session-key"],
)
def test_invalid_playlists_are_refused(text: str, rewrite):
    with pytest.raises(MediaError) as refused:
        rewrite(text, _sign)
    assert refused.value.code == "media.bad_playlist"


def test_a_media_refusal_reaches_the_client_like_a_service_error():
    # The adapter raises its own type; the API renders it as a ServiceError: same code, message, 400.
    with pytest.raises(MediaError) as refused:
        rewrite_media_playlist("seg_00000.ts\n", _sign)
    response = exception_handler(refused.value, {})
    assert response is not None
    assert response.status_code == 400
    assert response.data == {"code": "media.bad_playlist", "message": refused.value.message, "field": None}


# --- images ----------------------------------------------------------------------------------


def _photo_with_gps(path: Path, *, orientation: int) -> None:
    """400×200 as stored, left half red and right half blue; EXIF orientation, GPS, XMP, comment."""
    image = Image.new("RGB", (400, 200), "red")
    image.paste((0, 0, 255), (200, 0, 400, 200))
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (39.0, 54.0, 26.0), 3: "E", 4: (116.0, 23.0, 29.0)})
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">secret-location</x:xmpmeta>'
    image.save(path, format="JPEG", exif=exif, xmp=xmp, comment=b"secret-comment", quality=95)


def _close(pixel: object, colour: tuple[int, int, int]) -> bool:
    assert isinstance(pixel, tuple)
    return all(abs(got - wanted) < 40 for got, wanted in zip(pixel, colour, strict=True))


@pytest.mark.parametrize("thumbnail_format", ["WEBP", "JPEG"])
def test_thumbnail_is_upright_and_carries_no_metadata(tmp_path: Path, thumbnail_format):
    photo, thumbnail = tmp_path / "photo.jpg", tmp_path / "thumb"
    _photo_with_gps(photo, orientation=6)  # shown turned a quarter clockwise: 200×400, red on top
    with Image.open(photo) as original:
        assert original.getexif().get_ifd(0x8825)  # the input really carries GPS
    assert image_size(photo) == (200, 400)

    assert make_thumbnail(photo, thumbnail, max_size=(100, 100), format=thumbnail_format) == (50, 100)
    with Image.open(thumbnail) as image:
        assert (image.format, image.size, image.mode) == (thumbnail_format, (50, 100), "RGB")
        top, bottom = image.getpixel((25, 10)), image.getpixel((25, 90))
        assert _close(top, (255, 0, 0))
        assert _close(bottom, (0, 0, 255))
        assert not image.getexif()
        assert not {"exif", "xmp", "XML:com.adobe.xmp", "comment", "icc_profile"} & set(image.info)
    raw = thumbnail.read_bytes()
    for marker in (b"Exif", b"secret-location", b"secret-comment", b"PhoneMaker"):
        assert marker not in raw


def test_transparent_image_keeps_alpha_in_webp_and_goes_onto_white_in_jpeg(tmp_path: Path):
    source = tmp_path / "logo.png"
    Image.new("RGBA", (300, 150), (255, 0, 0, 0)).save(source)
    assert make_thumbnail(source, tmp_path / "a.webp", format="WEBP") == (300, 150)  # never enlarged
    with Image.open(tmp_path / "a.webp") as image:
        assert image.mode == "RGBA"
    make_thumbnail(source, tmp_path / "a.jpg", max_size=(100, 100), format="JPEG")
    with Image.open(tmp_path / "a.jpg") as image:
        assert image.size == (100, 50)
        assert min(image.getpixel((50, 25))) > 240


@pytest.mark.parametrize(
    "content",
    [b"not an image at all", b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nshowpage\n"],
    ids=["garbage", "eps"],
)
def test_non_images_are_refused(tmp_path: Path, content: bytes):
    source = tmp_path / "upload.jpg"
    source.write_bytes(content)
    with pytest.raises(MediaError) as refused:
        make_thumbnail(source, tmp_path / "thumb.webp")
    assert refused.value.code == "media.not_image"
    assert not (tmp_path / "thumb.webp").exists()


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize("side", [40, 100])  # over the limit, and over twice the limit (Pillow's own error)
def test_decompression_bombs_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, side: int):
    source = tmp_path / "bomb.png"
    Image.new("L", (side, side)).save(source)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    for call in (lambda: image_size(source), lambda: make_thumbnail(source, tmp_path / "t.webp")):
        with pytest.raises(MediaError) as refused:
            call()
        assert refused.value.code == "media.image_too_large"


# --- documents -------------------------------------------------------------------------------


def _chinese_pdf(path: Path, pages: int, *, encrypt: str | None = None) -> None:
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    canvas = Canvas(str(path), pagesize=A4, encrypt=encrypt)
    for number in range(1, pages + 1):
        canvas.setFont("STSong-Light", 28)
        canvas.drawString(72, 700, f"中国共产党纪律处分条例 第{number}页")
        canvas.rect(72, 100, 300, 300, fill=1)
        canvas.showPage()
    canvas.save()


def test_pdf_preview_renders_the_first_pages_at_the_requested_width(tmp_path: Path):
    pdf = tmp_path / "rules.pdf"
    _chinese_pdf(pdf, 5)
    assert page_count(pdf) == 5
    pages = render_preview(pdf, "application/pdf", tmp_path / "preview", pages=3, width=600)
    assert [page.name for page in pages] == ["page-001.png", "page-002.png", "page-003.png"]
    with Image.open(pages[0]) as image:
        assert image.format == "PNG"
        assert image.width == 600
        assert image.height == pytest.approx(600 * A4[1] / A4[0], abs=2)
        assert image.convert("L").getextrema()[0] < 50  # the black square and the text were drawn
    webp = render_preview(pdf, "application/pdf; charset=binary", tmp_path / "webp", pages=10, format="WEBP")
    assert len(webp) == 5
    assert webp[0].suffix == ".webp"


def test_broken_and_password_protected_pdfs_are_refused(tmp_path: Path):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\nnot really\n")
    with pytest.raises(MediaError) as refused:
        render_preview(broken, "application/pdf", tmp_path / "out")
    assert refused.value.code == "media.not_document"
    locked = tmp_path / "locked.pdf"
    _chinese_pdf(locked, 1, encrypt="secret")
    with pytest.raises(MediaError) as refused:
        page_count(locked)
    assert refused.value.code == "media.encrypted_document"


def test_office_and_text_have_no_preview_without_libreoffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    document = tmp_path / "notice.docx"
    document.write_bytes(b"PK\x03\x04")
    assert render_preview(document, DOCX, tmp_path / "out") == []
    assert render_preview(document, "text/plain", tmp_path / "out") == []


def _fake_soffice(folder: Path, script: str) -> None:
    """A stand-in for LibreOffice on PATH (the real one is not installed on the test machine)."""
    folder.mkdir()
    tool = folder / "soffice"
    tool.write_text("#!/bin/sh\n" + script)
    tool.chmod(tool.stat().st_mode | stat.S_IEXEC)


def test_office_documents_go_through_libreoffice_when_it_is_installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    converted = tmp_path / "converted.pdf"
    _chinese_pdf(converted, 2)
    _fake_soffice(
        tmp_path / "bin",
        f'echo "$@" > {tmp_path}/args\n'
        'for last; do :; done\nwhile [ "$1" != "--outdir" ]; do shift; done\n'
        f'mkdir -p "$2" && cp {converted} "$2/$(basename "${{last%.*}}").pdf"\n',
    )
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:{os.environ['PATH']}")
    upload = tmp_path / "3f2a9c"  # storage keys have no extension
    upload.write_bytes(b"PK\x03\x04")
    pages = render_preview(upload, DOCX, tmp_path / "out", width=300)
    assert [page.name for page in pages] == ["page-001.png", "page-002.png"]
    args = (tmp_path / "args").read_text()
    assert "--headless" in args
    assert "--convert-to pdf" in args
    assert args.strip().endswith("document.docx")


def test_libreoffice_that_hangs_is_killed_with_its_children(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    # The child keeps the output pipe open: returning at all shows that the whole group was killed.
    _fake_soffice(tmp_path / "bin", "sleep 60 &\nwait\n")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:{os.environ['PATH']}")
    upload = tmp_path / "slow.docx"
    upload.write_bytes(b"PK\x03\x04")
    started = time.monotonic()
    with pytest.raises(MediaError) as timed_out:
        render_preview(upload, DOCX, tmp_path / "out", timeout_seconds=0.5)
    assert timed_out.value.code == "media.timeout"
    assert time.monotonic() - started < 10


DISCIPLINE_REGULATION = """\
中国共产党纪律处分条例

（示例文本，供测试使用）

第一编　总　　则

第一章　指导思想、原则和适用范围

第一条　为了维护党的章程和其他党内法规，严肃党的纪律，纯洁党的组织，保障党员民主权利，\
教育党员遵纪守法，维护党的团结统一，根据《中国共产党章程》，制定本条例。
第二条　本条例坚持以马克思列宁主义、毛泽东思想、邓小平理论、“三个代表”重要思想、科学发展观为指导。
第三条　党章是最根本的党内法规，全党必须一体严格遵守。
　　党组织和党员必须坚定理想信念，牢固树立“四个意识”。
第四条　党的纪律建设必须坚持以下原则：
　　（一）坚持党要管党、全面从严治党；
　　（二）坚持党纪面前一律平等；
　　（三）坚持实事求是；
　　（四）坚持民主集中制；
　　（五）坚持惩前毖后、治病救人。
第五条　运用监督执纪“四种形态”，经常开展批评和自我批评。

第二章　违纪与纪律处分

第六条　党组织和党员违反党章和其他党内法规，违反国家法律法规，违反党和国家政策，\
依照规定应当给予纪律处理或者处分的，都必须受到追究。
　　依照本条例
第三十条规定的情形，不适用前款规定。
第七条　对党员的纪律处分种类：
（一）警告；
（二）严重警告；
（三）撤销党内职务；
（四）留党察看；
（五）开除党籍。
第 八 条　对于违犯党的纪律的党组织，上级党组织应当责令其作出书面检查或者给予通报批评。
第九条
　　对严重违犯党纪的党组织的纪律处理措施，依照本条例第八条的规定执行。

第二编　分　　则

第六章　对违反政治纪律行为的处分

第一节　一般规定

第五十条　通过网络、广播、电视、报刊、传单、书籍等，或者利用讲座、论坛、报告会、座谈会等方式，\
公开发表坚持资产阶级自由化立场的文章、演说、宣言、声明等的，给予开除党籍处分。
第五十条之一　本条为测试插入条文，依照第五十条处理。
第五十一条　制作、贩卖、传播第五十条所列内容之一的书刊、音像制品、电子读物、网络文章的，\
对主要责任者，给予严重警告或者撤销党内职务处分。

第十一章　附　　则

第一百九十八条　本条例由中央纪律检查委员会负责解释。
第一百九十九条　本条例自2024年1月1日起施行。
"""


def test_discipline_regulation_splits_into_articles_under_their_headings():
    articles = split_articles(DISCIPLINE_REGULATION)
    numbers = [article.number for article in articles]
    assert numbers == [
        PREAMBLE, "第一条", "第二条", "第三条", "第四条", "第五条", "第六条", "第七条", "第八条", "第九条",
        "第五十条", "第五十条之一", "第五十一条", "第一百九十八条", "第一百九十九条",
    ]  # fmt: skip
    by_number = {article.number: article for article in articles}
    assert by_number[PREAMBLE] == Article(PREAMBLE, None, "中国共产党纪律处分条例\n（示例文本，供测试使用）")
    assert by_number["第一条"].heading == "第一编 总则 / 第一章 指导思想、原则和适用范围"
    assert by_number["第一条"].text.startswith("为了维护党的章程")
    assert by_number["第一条"].text.endswith("制定本条例。")
    assert (
        by_number["第三条"].text
        == "党章是最根本的党内法规，全党必须一体严格遵守。\n党组织和党员必须坚定理想信念，牢固树立“四个意识”。"
    )
    assert by_number["第四条"].text.splitlines()[-1] == "（五）坚持惩前毖后、治病救人。"
    # "第三十条规定的…" at a line start is a mention, not article 30.
    assert by_number["第六条"].heading == "第一编 总则 / 第二章 违纪与纪律处分"
    assert by_number["第六条"].text.endswith("依照本条例\n第三十条规定的情形，不适用前款规定。")
    assert len(by_number["第七条"].text.splitlines()) == 6
    assert by_number["第九条"].text == "对严重违犯党纪的党组织的纪律处理措施，依照本条例第八条的规定执行。"
    assert by_number["第五十条"].heading == "第二编 分则 / 第六章 对违反政治纪律行为的处分 / 第一节 一般规定"
    assert by_number["第五十一条"].text.startswith("制作、贩卖、传播第五十条所列内容")
    assert by_number["第一百九十九条"] == Article(
        "第一百九十九条", "第二编 分则 / 第十一章 附则", "本条例自2024年1月1日起施行。"
    )


PARTY_CONSTITUTION = """\
中国共产党章程
总　纲
中国共产党是中国工人阶级的先锋队，同时是中国人民和中华民族的先锋队。
第一章　党　　员
第一条　年满十八岁的中国工人、农民、军人、知识分子和其他社会阶层的先进分子，可以申请加入中国共产党。
第二条　中国共产党党员是中国工人阶级的有共产主义觉悟的先锋战士。
第二章　党的组织制度
第十条　党是根据自己的纲领和章程，按照民主集中制组织起来的统一整体。
"""


def test_party_constitution_keeps_the_general_program_as_preamble():
    articles = split_articles(PARTY_CONSTITUTION)
    assert articles[0] == Article(
        PREAMBLE, None, "中国共产党章程\n总　纲\n中国共产党是中国工人阶级的先锋队，同时是中国人民和中华民族的先锋队。"
    )
    assert [(article.number, article.heading) for article in articles[1:]] == [
        ("第一条", "第一章 党员"),
        ("第二条", "第一章 党员"),
        ("第十条", "第二章 党的组织制度"),
    ]


def test_article_splitting_edge_cases():
    assert split_articles("") == []
    assert split_articles("只有一段说明文字。") == [Article(PREAMBLE, None, "只有一段说明文字。")]
    # No preamble when the text starts with an article; CRLF, a BOM and Arabic numerals are fine.
    assert split_articles("\ufeff第1条 总则性规定。\r\n第2条 其他规定。\r\n") == [
        Article("第1条", None, "总则性规定。"),
        Article("第2条", None, "其他规定。"),
    ]
    # Mentions at a line start, and sentences that merely start like a heading, stay text.
    text = "第一条　一般规定。\n第一条至第三条不适用于预备党员。\n第二章规定的程序同样适用。\n第二条、第三条另行规定。"
    assert split_articles(text) == [
        Article(
            "第一条",
            None,
            "一般规定。\n第一条至第三条不适用于预备党员。\n第二章规定的程序同样适用。\n第二条、第三条另行规定。",
        )
    ]
