"""typer's and click's own words (help panels, "Usage:", the help option, usage errors) in
the chosen language.

typer 0.2x carries its own copy of click (typer._click), whose words are plain English
text, not gettext messages: they are marked here with N_, translated in the tutor's
catalog, and put in place when a language other than English is chosen (`install`):
typer's panel words are module constants, the usage line's prefix and the help option's
text are wrapped, and a usage error's message is matched against the English templates
below (an error not among them is shown as click wrote it).
"""

from __future__ import annotations

from ..i18n import N_, _, language, translate_known

#: typer's help panel words (rich_utils), as the catalog translates them
HELP_WORDS = {
    "ARGUMENTS_PANEL_TITLE": N_("Arguments"),
    "OPTIONS_PANEL_TITLE": N_("Options"),
    "COMMANDS_PANEL_TITLE": N_("Commands"),
    "ERRORS_PANEL_TITLE": N_("Error"),
    "DEFAULT_STRING": N_("[default: {}]"),
    "REQUIRED_LONG_STRING": N_("[required]"),
    "DEPRECATED_STRING": N_("(deprecated) "),
    "ABORTED_TEXT": N_("Aborted."),
    "RICH_HELP": N_("Try [blue]'{command_path} {help_option}'[/] for help."),
}

#: the usage line's words: its prefix and the placeholders of the options and commands
USAGE_PREFIX = N_("Usage: ")
USAGE_PIECES = (N_("[OPTIONS]"), N_("COMMAND [ARGS]..."))
HELP_OPTION = N_("Show this message and exit.")
#: the kinds of value typer shows beside each option (<int range>, ...)
TYPE_WORDS = (N_("<bool>"), N_("<str>"), N_("<int>"), N_("<float>"), N_("<int range>"),
              N_("<float range>"), N_("<list[str]>"), N_("<path>"), N_("<list[float]>"))
#: the commands' arguments, as the help and the errors name them
ARGUMENT_NAMES = (N_("scenario"), N_("answers"), N_("files"), N_("target"), N_("activation"))

#: click's usage errors, as typer's click writes them
ERRORS = (
    N_("No such option: {name} (Possible options: {options})"),
    N_("No such option: {name}. Did you mean {suggestion}?"),
    N_("No such option: {name}"),
    N_("No such command {name}. Did you mean {suggestion}?"),
    N_("No such command {name}."),
    N_("Missing argument {name}."),
    N_("Missing option {name}."),
    N_("Missing parameter: {name}"),
    N_("Invalid value for {name}: {message}"),
    N_("Invalid value: {message}"),
    N_("Got unexpected extra argument ({args})"),
    N_("Got unexpected extra arguments ({args})"),
    N_("Got unexpected extra argument(s) ({args})"),
    N_("Option {name} requires an argument."),
    N_("Option {name} requires {count} arguments."),
    N_("Option {name} does not take a value."),
    N_("{value} is not a valid integer."),
    N_("{value} is not a valid float."),
    N_("{value} is not a valid boolean."),
    N_("{value} is not one of {choices}."),
    N_("Value {value} is not a valid {kind}."),
    N_("{value} is not in the range {range}."),
    N_("Input should be less than or equal to {limit}"),
    N_("Input should be greater than or equal to {limit}"),
    N_("Input should be less than {limit}"),
    N_("Input should be greater than {limit}"),
    N_("Input should be a valid integer, unable to parse string as an integer"),
    N_("Input should be a valid number, unable to parse string as a number"),
    N_("Input should be a valid integer, got a number with a fractional part"),
)


def error_message(text: str) -> str:
    """A click usage error's message in the chosen language (as written when unknown)."""
    return translate_known(text, ERRORS)


def install() -> None:
    """typer's and click's words in the chosen language from now on (English: as they are)."""
    if language() == "en":
        return
    from typer import core, rich_utils
    from typer._click import core as click_core
    from typer._click import formatting

    for name, text in HELP_WORDS.items():
        setattr(rich_utils, name, _(text))
    if getattr(formatting.HelpFormatter.write_usage, "_translated", False):
        return
    _wrap_usage(formatting.HelpFormatter, click_core.Command, core.TyperGroup)
    _wrap_help_option(click_core.Command)
    _wrap_names(core._TyperParameter)
    _wrap_errors(rich_utils)


def _wrap_usage(formatter, command, group) -> None:
    write_usage = formatter.write_usage

    def translated_usage(self, prog, args="", prefix=None):
        return write_usage(self, prog, args, _(USAGE_PREFIX) if prefix is None else prefix)

    translated_usage._translated = True
    formatter.write_usage = translated_usage
    pieces = {text: text for text in USAGE_PIECES}
    for cls in (command, group):
        collect = cls.__dict__.get("collect_usage_pieces")
        if collect is None:
            continue

        def translated_pieces(self, ctx, _collect=collect):
            return [_(pieces[piece]) if piece in pieces else piece for piece in _collect(self, ctx)]

        cls.collect_usage_pieces = translated_pieces


def _wrap_help_option(command) -> None:
    get_help_option = command.get_help_option

    def translated_help_option(self, ctx):
        option = get_help_option(self, ctx)
        if option is not None and option.help == HELP_OPTION:
            option.help = _(HELP_OPTION)
        return option

    command.get_help_option = translated_help_option


def _wrap_names(parameter) -> None:
    """An argument's name and a value's kind, as the help and the errors show them."""
    names, kinds = set(ARGUMENT_NAMES), set(TYPE_WORDS)
    display_type, display_name = parameter.display_type, parameter.display_name_raw.fget

    def translated_type(self, ctx):
        shown = display_type(self, ctx)
        return _(shown) if shown in kinds else shown

    def translated_name(self):
        name = display_name(self)
        return _(name) if name in names else name

    parameter.display_type = translated_type
    parameter.display_name_raw = property(translated_name)


def _wrap_errors(rich_utils) -> None:
    format_error = rich_utils.rich_format_error

    def translated_error(self):
        message = self.format_message

        self.format_message = lambda: error_message(message())
        return format_error(self)

    rich_utils.rich_format_error = translated_error
