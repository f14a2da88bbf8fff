"""Command-line failures as one Indonesian line on stderr (click's own answer is a usage block and "Error: …" in
English), keeping click's exit codes: 2 for a usage mistake, the exception's own code (1) otherwise.

Operators script these commands (cron, archiving) and read their logs; a new user types them from README.
"""
from __future__ import annotations

import click

USAGE_EXIT = 2


def usage_line(error: click.UsageError, command: str) -> str:
    """One Indonesian sentence for a usage mistake of `command`."""
    param = getattr(error, "param", None)
    name = _param_name(param) if param is not None else None
    if isinstance(error, click.MissingParameter):
        return f"{name or 'Argumen'} wajib diisi ({command} --help menampilkan cara memakainya)."
    if isinstance(error, click.NoSuchOption):
        return f"Opsi {error.option_name} tidak dikenal ({command} --help menampilkan opsi yang ada)."
    if isinstance(error, click.BadOptionUsage) and "requires an argument" in error.message:
        return f"Opsi {error.option_name} memerlukan nilai."
    if isinstance(error, click.BadParameter):
        hint = error.param_hint if isinstance(error.param_hint, str) else name
        if param is not None and isinstance(param.type, click.types.IntParamType):
            return f"{hint} harus berupa bilangan bulat."
        return f"{hint or 'Nilai'} tidak sah: {error.message}."
    return f"Perintah {command} tidak dapat dibaca: " + " ".join(error.format_message().split())


def _param_name(param: click.Parameter) -> str:
    return param.human_readable_name.upper() if isinstance(param, click.Argument) else param.opts[0]


class OneLineCommand(click.Command):
    """A click command whose usage mistakes and ClickExceptions end in one Indonesian line."""

    def describe(self, error: click.UsageError) -> str:
        """The line for a usage mistake (a command may say more, e.g. its synopsis)."""
        return usage_line(error, self.name or "")

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as error:
            click.echo(self.describe(error), err=True)
            ctx.exit(USAGE_EXIT)

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except click.UsageError as error:  # e.g. BadParameter raised by the command itself
            click.echo(self.describe(error), err=True)
            ctx.exit(USAGE_EXIT)
        except click.ClickException as error:
            click.echo(error.format_message(), err=True)
            ctx.exit(error.exit_code)
