from django.contrib.auth.forms import UserCreationForm


class SignUpForm(UserCreationForm):
    """Username and password only: a learner needs no e-mail to start."""
