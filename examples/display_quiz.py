"""The Assistants cookbook's ``display_quiz`` function tool, written as a typed function.

The cookbook wrote its JSON schema by hand; here the types and the docstring produce an
equivalent one. ``strict=False`` is stated because the cookbook's schema is not strict:
``choices`` and ``question_type`` may be left out (and are not nullable), which strict mode
cannot express without making them required-and-nullable.

Run it: ``python examples/display_quiz.py``.
"""

from __future__ import annotations

import asyncio
import json
from typing import Literal, NotRequired

from typing_extensions import TypedDict

from agentkit.tools import tool


class Question(TypedDict):
    question_text: str
    question_type: NotRequired[Literal["MULTIPLE_CHOICE", "FREE_RESPONSE"]]
    choices: NotRequired[list[str]]


def get_mock_response_from_user_multiple_choice() -> str:
    return "a"


def get_mock_response_from_user_free_response() -> str:
    return "I don't know."


@tool(strict=False)
def display_quiz(title: str, questions: list[Question]) -> list[str]:
    """Displays a quiz to the student, and returns the student's response.
    A single quiz can have multiple questions.

    Args:
        questions: An array of questions, each with a title and potentially options
            (if multiple choice).
    """
    print("Quiz:", title)
    print()
    responses = []
    for q in questions:
        print(q["question_text"])
        response = ""
        if q.get("question_type") == "MULTIPLE_CHOICE":
            for i, choice in enumerate(q.get("choices", [])):
                print(f"{i}. {choice}")
            response = get_mock_response_from_user_multiple_choice()
        elif q.get("question_type") == "FREE_RESPONSE":
            response = get_mock_response_from_user_free_response()
        responses.append(response)
        print()
    return responses


async def main() -> None:
    print(json.dumps(display_quiz.to_assistants(), indent=2))
    arguments = json.dumps(
        {
            "title": "Math Quiz",
            "questions": [
                {
                    "question_text": "What is 3x^2 + 2x - 5 derived?",
                    "question_type": "FREE_RESPONSE",
                },
                {
                    "question_text": "What is the integral of 2x from 0 to 1?",
                    "question_type": "MULTIPLE_CHOICE",
                    "choices": ["0", "1", "2", "3"],
                },
            ],
        }
    )
    print("Output:", await display_quiz.invoke(arguments))


if __name__ == "__main__":
    asyncio.run(main())
