"""Settings for every deployment, read from the environment (see env.py).

``partycloud.settings`` is the default used by ``make run`` (embedded defaults);
``partycloud.settings.production`` tightens security; ``partycloud.settings.test``
is for pytest.
"""

from partycloud.settings.base import *  # noqa: F403
