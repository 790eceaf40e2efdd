"""The plans app's pages: plans (list, drafting, workflow), contents (the editor), reports (dashboard, export,
print), activities (trainings, awards, partnerships) and resources (the directory)."""
