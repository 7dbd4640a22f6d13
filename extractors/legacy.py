"""Old and other word-processor formats (.doc, .rtf, .odt, Word's web pages) → DOCX with LibreOffice.

Offices still send Word 97–2003 files, RTF exports, LibreOffice documents and Word documents saved
as a web page (often named .doc). Writing a parser for each would duplicate the DOCX backend;
LibreOffice converts them faithfully (numbering, tables, merged cells), so the DOCX backend reads the
result. Each conversion runs headless in its own temporary profile (parallel workers never share or
join a running LibreOffice) and temporary folder, under a time limit; a process group that runs over
is killed whole. The profile forbids fetching linked images and running macros: a document from
outside must not make the converter reach the network or run its code.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from pipeline.base import ExtractionError, file_sha256
from pipeline.model import Document

SOFFICE_ENV = "NHIEMVU_SOFFICE"  # path or name of the LibreOffice binary
TIMEOUT_ENV = "NHIEMVU_SOFFICE_TIMEOUT"
DEFAULT_TIMEOUT_S = 180.0
INSTALL_HINT = "apt-get install libreoffice-writer-nogui"
LEGACY_FORMATS = {"doc": ".doc", "rtf": ".rtf", "odt": ".odt", "html": ".html"}
_IMPORT_FILTERS = {"html": "HTML (StarWriter)"}  # as a Writer document, not a Writer/Web page
_EXPORT = "docx:MS Word 2007 XML"
# Settings of the private profile, written before LibreOffice first starts it.
_PROFILE_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
</oor:items>
"""


def soffice_binary() -> str | None:
    """The LibreOffice executable to run, or None when it is not installed."""
    return shutil.which(os.environ.get(SOFFICE_ENV, "soffice"))


def _timeout() -> float:
    try:
        return float(os.environ.get(TIMEOUT_ENV, DEFAULT_TIMEOUT_S))
    except ValueError:
        return DEFAULT_TIMEOUT_S


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()
    proc.communicate()


def convert_to_docx(path: Path, fmt: str, workdir: Path, timeout: float | None = None) -> Path:
    """Convert `path` (a `fmt` file) to a .docx inside `workdir` and return the new file's path."""
    soffice = soffice_binary()
    if soffice is None:
        raise ExtractionError(
            f"a .{fmt} file needs LibreOffice to be read, and it is not installed ({INSTALL_HINT})"
        )
    source = workdir / f"source{LEGACY_FORMATS[fmt]}"  # a plain name: no quoting trouble, right filter
    shutil.copyfile(path, source)
    profile, out = workdir / "profile", workdir / "out"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(_PROFILE_SETTINGS, encoding="utf-8")
    cmd = [
        soffice, "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
        f"-env:UserInstallation={profile.as_uri()}",
    ]  # fmt: skip
    if fmt in _IMPORT_FILTERS:
        cmd.append(f"--infilter={_IMPORT_FILTERS[fmt]}")
    cmd += ["--convert-to", _EXPORT, "--outdir", str(out), str(source)]
    env = {**os.environ, "HOME": str(workdir)}  # nothing written to the real home
    limit = timeout if timeout is not None else _timeout()
    proc = subprocess.Popen(
        cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
        start_new_session=True,
    )  # fmt: skip
    try:
        _, err = proc.communicate(timeout=limit)
    except subprocess.TimeoutExpired as exc:
        _kill_group(proc)
        raise ExtractionError(
            f"LibreOffice took longer than {limit:g} s to convert {path.name}; the file may be damaged"
        ) from exc
    result = out / "source.docx"
    if proc.returncode != 0 or not result.is_file() or result.stat().st_size == 0:
        detail = err.decode("utf-8", "replace").strip().splitlines()
        detail = [line for line in detail if "javaldx" not in line]
        reason = f" ({detail[-1][:200]})" if detail else ""
        raise ExtractionError(f"LibreOffice could not convert the .{fmt} file {path.name}{reason}")
    return result


def extract(path: Path | str, fmt: str, sha256: str | None = None) -> Document:
    """Read a .doc/.rtf/.odt/web-page file through a DOCX conversion; provenance stays the original's."""
    from extractors.docx import extract as extract_docx
    from extractors.safety import check_docx

    path = Path(path)
    sha256 = sha256 or file_sha256(path)
    with tempfile.TemporaryDirectory(prefix="nhiemvu-soffice-") as tmp:
        converted = convert_to_docx(path, fmt, Path(tmp))
        check_docx(converted)
        document = extract_docx(converted, sha256=sha256)
    document.source.source_file = path.name
    document.source.source_format = fmt
    return document
