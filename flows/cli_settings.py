"""The `--set group.key=value` and `--settings FILE` options shared by `extract` and `ingest`.

They build one validated `pipeline.settings.Settings`, current for the command (and, through the
environment, for its worker processes); the previous settings come back when the command ends, so a
command run in-process (tests, notebooks) leaves nothing behind. A bad key or value: one sentence, exit 2.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from flows import exit_codes
from pipeline.settings import SettingsError, load_settings, using

err_console = Console(stderr=True, soft_wrap=True)

SetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        metavar="GROUP.KEY=VALUE",
        help="override one setting (repeatable), e.g. fuzzy.agency_cutoff=88; see pipeline/settings.py",
    ),
]
SettingsFileOption = Annotated[
    Path | None,
    typer.Option("--settings", help="YAML file of settings groups (fuzzy: {agency_cutoff: 88})"),
]


def with_settings(command: Callable[..., None]) -> Callable[..., None]:
    """Run a command (with `set_` and `settings_file` parameters) under the settings those name.

    A bad key or value is refused with exit status 2 before the command starts; the settings in force
    before are restored when it ends, however it ends."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> None:
        assignments, path = kwargs.get("set_"), kwargs.get("settings_file")
        if not assignments and path is None:
            return command(*args, **kwargs)
        try:
            chosen = load_settings(path, assignments or [])
        except SettingsError as err:
            err_console.print(f"[red]bad settings:[/red] {err}")
            raise typer.Exit(exit_codes.USAGE_OR_ENVIRONMENT) from None
        with using(chosen):
            return command(*args, **kwargs)

    return run
