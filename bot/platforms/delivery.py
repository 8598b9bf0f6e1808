"""What the couriers share: each call made as the bot either answers, or fails as a `DeliveryFailed` that
says whether another try may help.

A platform refusing the call (its own error, with a code) is that platform's to judge (`refused`); the
platform not answering, or answering something that is not an answer, is worth another try.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from bot.services.weekly import DeliveryFailed

T = TypeVar("T")


class Delivery:
    def __init__(
        self,
        platform: str,
        *,
        refused: Callable[[Exception], DeliveryFailed | None],
        unreachable: tuple[type[Exception], ...],
    ) -> None:
        """`refused`: what an error of the client library means when it is the platform's answer refusing
        the call (None: it is not one); `unreachable`: the library's errors for no answer at all (besides
        `OSError`, and `ValueError` for a body that is not JSON)."""
        self._platform = platform
        self._refused = refused
        self._unreachable: tuple[type[Exception], ...] = (*unreachable, OSError, ValueError)

    def call(self, call: Callable[[], T]) -> T:
        try:
            return call()
        except Exception as error:
            refusal = self._refused(error)
            if refusal is not None:
                raise refusal from None
            if isinstance(error, self._unreachable):
                raise DeliveryFailed(f"{self._platform} unreachable: {type(error).__name__}", retryable=True) from None
            raise
