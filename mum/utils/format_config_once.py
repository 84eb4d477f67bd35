"""Have mmengine format each config text with yapf once per process (a speed-only patch)."""
import mmengine.config.config as mmengine_config


def format_config_once() -> None:
    """Makes mmengine format each config text with yapf once per process.

    ``Config.pretty_text`` runs yapf over the whole config each time the runner logs it, dumps
    it, hands it to each visualisation backend and writes it into a checkpoint: 8 times in a
    short run, the same text each time, and seconds each on a small CPU. The formatted text is
    kept per input (yapf is a pure function of it), so logs, dumps and checkpoints are unchanged.
    """
    format_code = mmengine_config.FormatCode
    if getattr(format_code, 'formats_once', False):
        return
    formatted = {}

    def format_code_once(unformatted_source, *args, **kwargs):
        key = (unformatted_source, repr(args), repr(sorted(kwargs.items())))
        if key not in formatted:
            formatted[key] = format_code(unformatted_source, *args, **kwargs)
        return formatted[key]

    format_code_once.formats_once = True
    mmengine_config.FormatCode = format_code_once
