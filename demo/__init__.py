"""The fictional demo federation `make run` loads. It seeds every app, so it sits above
them all: no app imports it."""
