"""`python -m scheduler solve|check`: exit 0 ok, 2 invalid input, 3 infeasible,
4 violations found (check), 5 no plan within the time limit."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path

from . import check, parse_instance, parse_plan
from .explain import explain_plan
from .problem import Infeasible, InstanceError
from .solve import solve

EXIT_OK, EXIT_INVALID, EXIT_INFEASIBLE, EXIT_VIOLATIONS, EXIT_NO_PLAN = 0, 2, 3, 4, 5


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # usage errors are invalid input too
        self.print_usage(sys.stderr)
        print(f"error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_INVALID)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m scheduler", description="Plan and check netzwerktreffen blocks.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    solve_cmd = commands.add_parser("solve", help="write a plan for an instance")
    solve_cmd.add_argument("instance")
    solve_cmd.add_argument("-o", "--output", help="plan file (default: stdout)")
    solve_cmd.add_argument("--time-limit", type=float, default=60.0,
                           help="seconds of wall time, start-up included (default 60)")
    solve_cmd.add_argument("--seed", type=int, default=0)
    solve_cmd.add_argument("-v", "--verbose", action="store_true", help="progress on stderr")
    check_cmd = commands.add_parser("check", help="validate a plan and recompute its score")
    check_cmd.add_argument("instance")
    check_cmd.add_argument("plan")
    return parser


def _read_json(path: str, what: str):
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise InstanceError(f"{path}: cannot read the {what} ({error.strerror or error})") from None
    except UnicodeDecodeError:
        raise InstanceError(f"{path}: the {what} is not UTF-8 text") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InstanceError(f"{path}: not valid JSON (line {error.lineno}, column {error.colno}: "
                            f"{error.msg})") from None


def _in_file(path: str, error: InstanceError) -> str:
    return f"{Path(path).name}: {error}"


def main(argv: list[str] | None = None, started: float | None = None) -> int:
    started = time.monotonic() if started is None else started
    args = _parser().parse_args(argv)
    try:
        instance_data = _read_json(args.instance, "instance")
        try:
            instance = parse_instance(instance_data)
        except InstanceError as error:
            raise InstanceError(_in_file(args.instance, error)) from None
        if args.command == "check":
            return _check(instance, args)
        return _solve(instance, args, started)
    except InstanceError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_INVALID
    except Infeasible as error:
        print(f"infeasible: {error}", file=sys.stderr)
        return EXIT_INFEASIBLE
    except BrokenPipeError:  # e.g. `solve ... | head`: the reader left
        _quiet_stdout()
        return EXIT_OK


def _quiet_stdout() -> None:
    """After a broken pipe, let Python's exit flush into /dev/null quietly."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _check(instance, args) -> int:
    try:
        plan = parse_plan(_read_json(args.plan, "plan"))
    except InstanceError as error:
        raise InstanceError(_in_file(args.plan, error)) from None
    report = check(instance, plan)
    code = EXIT_OK if report["valid"] else EXIT_VIOLATIONS
    try:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    except BrokenPipeError:
        _quiet_stdout()
    return code


def exit_margin(time_limit: float, people: int) -> float:
    """Seconds kept back from --time-limit for what follows the search: the
    plan's final check and score, writing it, the notes on it (their share
    grows with the people) and leaving the process."""
    return min(0.3, 0.1 * time_limit) + min(0.1 * time_limit, 0.0003 * people)


def _solve(instance, args, started: float) -> int:
    if args.time_limit <= 0:
        raise InstanceError(f"--time-limit: must be positive, got {args.time_limit:g}")
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(message)s", stream=sys.stderr)
    deadline = started + args.time_limit - exit_margin(args.time_limit, len(instance.participants))
    try:
        result = solve(instance, time_limit=args.time_limit, seed=args.seed, deadline=deadline,
                       give_up=started + args.time_limit,
                       progress=(lambda text: print(text, file=sys.stderr)) if args.verbose else None)
    except TimeoutError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_NO_PLAN
    text = json.dumps(result.plan.to_dict(), indent=1, ensure_ascii=False)
    if args.output:
        Path(args.output).write_text(text + "\n", encoding="utf-8")
    else:
        print(text)
    methods = ", ".join(f"{b}: {m}" for b, m in result.methods.items())
    print(f"score {result.score:.2f}  bound {result.bound:.2f}  gap {100 * result.gap:.3f}%  "
          f"{time.monotonic() - started:.2f} s  ({methods})", file=sys.stderr)
    for note in explain_plan(instance, result.plan):  # every pause, revisit and uneven table, with its reason
        print(note.message, file=sys.stderr)
    return EXIT_OK
