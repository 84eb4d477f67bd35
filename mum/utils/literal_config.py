"""A Python config text read as data, never run.

mmengine stores the training config in each checkpoint (``meta['cfg']``, the text of
``Config.pretty_text``), and ``Config.fromstring`` would execute that text: a checkpoint could
carry code in it. That text is a list of ``name = value`` lines whose values are literals and
``dict(key=value, ...)`` calls, so it is parsed here with :mod:`ast` and rebuilt from those
nodes alone; anything else (a call of another function, an attribute, an import, an
operator other than a sign, a comprehension) is refused. Written by hand: ``ast.literal_eval``
does not accept ``dict(...)`` calls, and mmengine has no safe reader.
"""
import ast
from typing import Any, Dict


class UnsafeConfigError(ValueError):
    """The text is not plain data: it would run code when executed."""


def parse_literal_config(text: str, source: str = 'the config text') -> Dict[str, Any]:
    """The assignments of a config text, evaluated as literals.

    Args:
        text (str): Python source made of ``name = value`` statements.
        source (str): What the text is, for the error message.

    Returns:
        dict: ``{name: value}``, in the text's order.

    Raises:
        UnsafeConfigError: At the first construct that is not plain data, naming its line.
    """
    try:
        tree = ast.parse(text, mode='exec')
    except SyntaxError as error:
        raise UnsafeConfigError(f'{source} is not valid Python (line {error.lineno}: '
                                f'{error.msg}).') from None
    values = {}
    for statement in tree.body:
        if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1
                and isinstance(statement.targets[0], ast.Name)):
            _refuse(statement, source)
        values[statement.targets[0].id] = _value(statement.value, source)
    return values


def _value(node: ast.AST, source: str) -> Any:
    """The value of one literal node (see the module doc for what is accepted)."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        items = [_value(element, source) for element in node.elts]
        return {ast.List: list, ast.Tuple: tuple, ast.Set: set}[type(node)](items)
    if isinstance(node, ast.Dict) and None not in node.keys:
        return {_value(key, source): _value(value, source)
                for key, value in zip(node.keys, node.values)}
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == 'dict'
            and not node.args and all(keyword.arg is not None for keyword in node.keywords)):
        return {keyword.arg: _value(keyword.value, source) for keyword in node.keywords}
    if (isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd))
            and isinstance(node.operand, ast.Constant)
            and isinstance(node.operand.value, (int, float))):
        return -node.operand.value if isinstance(node.op, ast.USub) else node.operand.value
    _refuse(node, source)


def _refuse(node: ast.AST, source: str) -> None:
    raise UnsafeConfigError(
        f'{source} holds code, not only data (a {type(node).__name__} at line '
        f'{getattr(node, "lineno", "?")}); it is never run.')
