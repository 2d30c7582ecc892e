"""Study mode: a question bank from the knowledge, practice, mock exams, flashcards and spaced repetition."""
