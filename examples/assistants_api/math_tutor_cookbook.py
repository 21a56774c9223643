"""The OpenAI "Assistants API overview" cookbook (the Math Tutor), run against ``agentkit serve``.

The client code is the cookbook's, unchanged except for how the client is built (``base_url``
and ``api_key`` point at a local ``agentkit serve``) and ``show_json`` printing instead of
using Jupyter's ``display``. The code interpreter runs the model's code in agentkit's sandboxed
kernel and the run steps show it; file_search is accepted and stored (the vector-store upload
is left out). The model is agentkit's fake OpenAI server, scripted to answer as the cookbook's
model did: a short answer, Python for the Fibonacci numbers, a ``display_quiz`` call.

Run it: ``python examples/assistants_api/math_tutor_cookbook.py``.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path
from typing import Any

from openai import OpenAI
from openai.pagination import SyncCursorPage
from openai.types.beta import Thread
from openai.types.beta.threads import Message, Run
from openai.types.shared_params import FunctionDefinition

from agentkit.server import BackgroundServer, ServerConfig, upstream_model_factory
from agentkit.testing import FakeOpenAI, FakeReply, FakeRequest, FakeToolCall

FIBONACCI = """def generate_fibonacci(n):
    fib_sequence = [0, 1]
    while len(fib_sequence) < n:
        next_value = fib_sequence[-1] + fib_sequence[-2]
        fib_sequence.append(next_value)
    return fib_sequence

# Generate the first 20 Fibonacci numbers
first_20_fibonacci = generate_fibonacci(20)
first_20_fibonacci"""

QUIZ_ARGUMENTS = {
    "title": "Math Quiz",
    "questions": [
        {
            "question_text": "What is the derivative of the function f(x) = 3x^2 + 2x - 5?",
            "question_type": "FREE_RESPONSE",
        },
        {
            "question_text": "What is the value of \\( \\int_{0}^{1} 2x \\, dx \\)?",
            "question_type": "MULTIPLE_CHOICE",
            "choices": ["0", "1", "2", "3"],
        },
    ],
}


def model_script(request: FakeRequest) -> FakeReply | str:
    """The cookbook's model, turn by turn (the fake server calls this for each request)."""
    asked = request.last_user_text
    outputs = list(request.tool_outputs().values())
    if "fibbonaci" in asked:
        if not outputs:
            return FakeReply.calls(FakeToolCall("code_interpreter", {"code": FIBONACCI}))
        numbers = " ".join(outputs[0].split()).strip("[]")
        return f"The first 20 Fibonacci numbers are: {numbers}."
    if "quiz" in asked:
        if not outputs:
            return FakeReply.calls(FakeToolCall("display_quiz", QUIZ_ARGUMENTS))
        return f"Here is the feedback for your responses: {outputs[0]}"
    return f"You said: {asked}"


def scripted_upstream() -> FakeOpenAI:
    """The fake OpenAI server standing in for the cookbook's model."""
    return FakeOpenAI(model_script)


def show_json(obj: Any) -> object:
    print(json.loads(obj.model_dump_json()))
    return None  # Jupyter's display() returns None too


client: OpenAI  # the cookbook's global client; set by `use`


def use(sdk_client: OpenAI) -> None:
    """Point the cookbook's global ``client`` at a server."""
    global client
    client = sdk_client


def wait_on_run(run: Run, thread: Thread) -> Run:
    while run.status == "queued" or run.status == "in_progress":
        run = client.beta.threads.runs.retrieve(
            thread_id=thread.id,
            run_id=run.id,
        )
        time.sleep(0.5)
    return run


def submit_message(assistant_id: str, thread: Thread, user_message: str) -> Run:
    client.beta.threads.messages.create(thread_id=thread.id, role="user", content=user_message)
    return client.beta.threads.runs.create(
        thread_id=thread.id,
        assistant_id=assistant_id,
    )


def get_response(thread: Thread) -> SyncCursorPage[Message]:
    return client.beta.threads.messages.list(thread_id=thread.id, order="asc")


def create_thread_and_run(user_input: str) -> tuple[Thread, Run]:
    thread = client.beta.threads.create()
    run = submit_message(MATH_ASSISTANT_ID, thread, user_input)
    return thread, run


# Pretty printing helper
def pretty_print(messages: Any) -> None:
    print("# Messages")
    for m in messages:
        print(f"{m.role}: {m.content[0].text.value}")
    print()


def get_mock_response_from_user_multiple_choice() -> str:
    return "a"


def get_mock_response_from_user_free_response() -> str:
    return "I don't know."


def display_quiz(title: str, questions: list[dict[str, Any]]) -> list[str]:
    print("Quiz:", title)
    print()
    responses = []

    for q in questions:
        print(q["question_text"])
        response = ""

        # If multiple choice, print options
        if q["question_type"] == "MULTIPLE_CHOICE":
            for i, choice in enumerate(q["choices"]):
                print(f"{i}. {choice}")
            response = get_mock_response_from_user_multiple_choice()

        # Otherwise, just get response
        elif q["question_type"] == "FREE_RESPONSE":
            response = get_mock_response_from_user_free_response()

        responses.append(response)
        print()

    return responses


function_json: FunctionDefinition = {
    "name": "display_quiz",
    "description": "Displays a quiz to the student, and returns the student's response. "
    "A single quiz can have multiple questions.",
    "parameters": {
        "type": "object",
        "properties": {
            "title": {"type": "string"},
            "questions": {
                "type": "array",
                "description": "An array of questions, each with a title and potentially "
                "options (if multiple choice).",
                "items": {
                    "type": "object",
                    "properties": {
                        "question_text": {"type": "string"},
                        "question_type": {
                            "type": "string",
                            "enum": ["MULTIPLE_CHOICE", "FREE_RESPONSE"],
                        },
                        "choices": {"type": "array", "items": {"type": "string"}},
                    },
                    "required": ["question_text"],
                },
            },
        },
        "required": ["title", "questions"],
    },
}

MATH_ASSISTANT_ID = ""


def first_steps() -> Any:
    """Assistant, thread, message, run, polling; then a follow-up question."""
    global MATH_ASSISTANT_ID
    assistant = client.beta.assistants.create(
        name="Math Tutor",
        instructions="You are a personal math tutor. Answer questions briefly, in a sentence "
        "or less.",
        model="gpt-4o",
    )
    show_json(assistant)

    thread = client.beta.threads.create()
    show_json(thread)

    message = client.beta.threads.messages.create(
        thread_id=thread.id,
        role="user",
        content="I need to solve the equation `3x + 11 = 14`. Can you help me?",
    )
    show_json(message)

    run = client.beta.threads.runs.create(
        thread_id=thread.id,
        assistant_id=assistant.id,
    )
    show_json(run)

    run = wait_on_run(run, thread)
    show_json(run)

    messages = client.beta.threads.messages.list(thread_id=thread.id)
    show_json(messages)

    # Create a message to append to our thread
    message = client.beta.threads.messages.create(
        thread_id=thread.id, role="user", content="Could you explain this to me?"
    )

    # Execute our run
    run = client.beta.threads.runs.create(
        thread_id=thread.id,
        assistant_id=assistant.id,
    )

    # Wait for completion
    wait_on_run(run, thread)

    # Retrieve all the messages added after our last user message
    messages = client.beta.threads.messages.list(thread_id=thread.id, order="asc", after=message.id)
    show_json(messages)
    MATH_ASSISTANT_ID = assistant.id  # or a hard-coded ID like "asst-..."
    return messages


def concurrent_threads() -> Any:
    """Three threads at once, then a fourth run on thread 3."""
    # Emulating concurrent user requests
    thread1, run1 = create_thread_and_run(
        "I need to solve the equation `3x + 11 = 14`. Can you help me?"
    )
    thread2, run2 = create_thread_and_run("Could you explain linear algebra to me?")
    thread3, run3 = create_thread_and_run("I don't like math. What can I do?")

    # Now all Runs are executing...

    # Wait for Run 1
    run1 = wait_on_run(run1, thread1)
    pretty_print(get_response(thread1))

    # Wait for Run 2
    run2 = wait_on_run(run2, thread2)
    pretty_print(get_response(thread2))

    # Wait for Run 3
    run3 = wait_on_run(run3, thread3)
    pretty_print(get_response(thread3))

    # Thank our assistant on Thread 3 :)
    run4 = submit_message(MATH_ASSISTANT_ID, thread3, "Thank you!")
    run4 = wait_on_run(run4, thread3)
    pretty_print(get_response(thread3))
    return [run1, run2, run3, run4], get_response(thread3)


def run_steps_with_code_interpreter() -> Any:
    """Add code_interpreter and look at the run's steps: the code and what it printed."""
    assistant = client.beta.assistants.update(
        MATH_ASSISTANT_ID,
        tools=[{"type": "code_interpreter"}],
    )
    show_json(assistant)

    thread, run = create_thread_and_run("Generate the first 20 fibbonaci numbers with code.")
    run = wait_on_run(run, thread)
    pretty_print(get_response(thread))

    run_steps = client.beta.threads.runs.steps.list(thread_id=thread.id, run_id=run.id, order="asc")
    for step in run_steps.data:
        step_details = step.step_details
        print(json.dumps(show_json(step_details), indent=4))
    return run_steps


def function_calling() -> Any:
    """The display_quiz function: requires_action, run it, submit its output."""
    assistant = client.beta.assistants.update(
        MATH_ASSISTANT_ID,
        tools=[
            {"type": "code_interpreter"},
            {"type": "file_search"},
            {"type": "function", "function": function_json},
        ],
    )
    show_json(assistant)

    thread, run = create_thread_and_run(
        "Make a quiz with 2 questions: One open ended, one multiple choice. "
        "Then, give me feedback for the responses."
    )
    run = wait_on_run(run, thread)
    print(run.status)
    paused = run
    show_json(run)

    # Extract single tool call
    tool_call = run.required_action.submit_tool_outputs.tool_calls[0]  # type: ignore[union-attr]
    name = tool_call.function.name
    arguments = json.loads(tool_call.function.arguments)

    print("Function Name:", name)
    print("Function Arguments:")
    print(arguments)

    responses = display_quiz(arguments["title"], arguments["questions"])
    print("Responses:", responses)

    run = client.beta.threads.runs.submit_tool_outputs(
        thread_id=thread.id,
        run_id=run.id,
        tool_outputs=[
            {
                "tool_call_id": tool_call.id,
                "output": json.dumps(responses),
            }
        ],
    )
    show_json(run)

    run = wait_on_run(run, thread)
    pretty_print(get_response(thread))
    return paused, run, get_response(thread)


def tutorial(sdk_client: OpenAI) -> dict[str, Any]:
    """The whole cookbook against ``sdk_client``; returns what it produced, for the tests."""
    use(sdk_client)
    after_explain = first_steps()
    runs, thread3 = concurrent_threads()
    steps = run_steps_with_code_interpreter()
    paused, final, quiz_thread = function_calling()
    return {
        "after_explain": after_explain,
        "concurrent": runs,
        "thread3": thread3,
        "steps": steps,
        "paused": paused,
        "final": final,
        "quiz_thread": quiz_thread,
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        factory, _, _ = upstream_model_factory(
            base_url=None, api_key=None, client=scripted_upstream().client()
        )
        config = ServerConfig(
            model_factory=factory,
            db_path=str(Path(folder) / "agentkit.db"),
            api_keys={"sk-local": "default"},
        )
        with BackgroundServer(config) as server:
            client = OpenAI(base_url=server.base_url, api_key="sk-local")
            tutorial(client)


if __name__ == "__main__":
    main()
