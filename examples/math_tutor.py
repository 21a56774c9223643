"""The Assistants API cookbook's Math Tutor, on agentkit.

The cookbook created an assistant, a thread, runs and a ``display_quiz`` function tool, and
polled each run until it needed the tool's output. Here the same conversation is two calls to
``agent.run`` on one thread; the quiz tool runs by itself when the model asks for it.

Offline by default: a small scripted tutor stands in for the model, so this runs anywhere.
Set ``OPENAI_API_KEY`` (or ``AZURE_OPENAI_ENDPOINT``, or ``OPENAI_BASE_URL`` for a local
server) to talk to a real model instead. When the model API cannot be reached or refuses
the request, it says why and exits with status 1.

Run it: ``scripts/run`` (or ``python examples/math_tutor.py``).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from display_quiz import display_quiz  # noqa: E402

from agentkit import Agent, RunResult  # noqa: E402
from agentkit.models import Model, ModelRequest, describe_model, model_from_env  # noqa: E402
from agentkit.testing import FunctionInfo, FunctionModel, ModelTurn, call_tool, text  # noqa: E402

INSTRUCTIONS = "You are a personal math tutor. Answer questions briefly, in a sentence or less."
QUIZ_REQUEST = (
    "Make a quiz with 2 questions: One open ended, one multiple choice. "
    "Then, give me feedback for the responses."
)


def offline_tutor(request: ModelRequest, info: FunctionInfo) -> ModelTurn:
    """What a model would plausibly say, scripted, so the example runs without a key."""
    last = request.items[-1]
    if last.kind == "tool_output":
        answers = json.loads(last.output)
        return text(
            f"You answered {answers[0]!r} to the open question: the derivative of "
            f"3x^2 + 2x - 5 is 6x + 2. For the integral you chose {answers[1]!r}; "
            "the answer is 1 (option b). Keep practising!"
        )
    if last.kind == "user" and "quiz" in last.text.lower():
        quiz = {
            "title": "Math Quiz",
            "questions": [
                {
                    "question_text": "What is the derivative of f(x) = 3x^2 + 2x - 5?",
                    "question_type": "FREE_RESPONSE",
                },
                {
                    "question_text": "What is the value of the integral of 2x from 0 to 1?",
                    "question_type": "MULTIPLE_CHOICE",
                    "choices": ["0", "1", "2", "3"],
                },
            ],
        }
        return ModelTurn(tool_calls=(call_tool("display_quiz", quiz),))
    return text("Subtract 11 from both sides to get 3x = 3, then divide by 3: x = 1.")


def choose_model() -> Model:
    configured = any(
        os.environ.get(name)
        for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "AZURE_OPENAI_ENDPOINT")
    )
    return model_from_env() if configured else FunctionModel(offline_tutor)


def show(result: RunResult) -> None:
    """Print the run's tool calls and answer; stop the program if the run did not complete."""
    for call in result.tool_calls:
        print(f"  [tool] {call.function.name}({call.function.arguments})")
        print(f"         -> {call.function.output}  ({call.duration_ms or 0:.1f} ms)")
    if result.status != "completed":
        error = result.last_error
        details = result.run.incomplete_details
        why = f"{error.code}: {error.message}" if error else (details.reason if details else "")
        # SystemExit with a message prints it to stderr and exits with status 1.
        raise SystemExit(f"math_tutor: the run {result.status} ({why})")
    print(f"assistant: {result.output_text}")
    print(f"  (run {result.run.id}: {result.status}, {result.usage.total_tokens} tokens)")
    print()


async def main() -> None:
    model = choose_model()
    print(f"model: {describe_model(model)}\n")
    tutor = Agent(name="Math Tutor", instructions=INSTRUCTIONS, model=model, tools=[display_quiz])

    question = "I need to solve the equation `3x + 11 = 14`. Can you help me?"
    print(f"user: {question}")
    first = await tutor.run(question)
    show(first)

    print(f"user: {QUIZ_REQUEST}")
    second = await tutor.run(QUIZ_REQUEST, thread=first.thread_id)
    show(second)


if __name__ == "__main__":
    asyncio.run(main())
