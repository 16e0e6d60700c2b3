"""Media processing on local files: video to HLS, signed-delivery playlists, image thumbnails,
document previews and the article splitter of the regulations library.

Plain modules, not a Django app and no models: callers fetch the upload to a temporary
directory, call these functions, and upload what they return (``services.storage``, Celery).
Every refusal is a :class:`MediaError` with a stable ``media.*`` code.
"""

from services.media.errors import MediaError

__all__ = ["MediaError"]
