"""The course's tasks: for each chapter NN, ``chNN.py`` declares how each task is judged
and its hints, and ``NN.json`` holds its public cases."""
