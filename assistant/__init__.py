"""Finnish question answering over Central Finland's cooperation documents, with citations.

>>> from assistant import Assistant
>>> answer = Assistant.load().ask("Kuka on Keski-Suomen aluehallituksen puheenjohtaja?")
"""

from __future__ import annotations

from .answer import ABSTAIN_TEXT, Answer, Citation
from .assistant import Assistant, StreamEvent
from .config import Settings
from .retrieve import Passage

__all__ = ["ABSTAIN_TEXT", "Answer", "Assistant", "Citation", "Passage", "Settings", "StreamEvent"]
