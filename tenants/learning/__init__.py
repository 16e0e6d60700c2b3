"""Learning platform: the libraries (the group's shared one and each tenant's), courses, study, quizzes."""
