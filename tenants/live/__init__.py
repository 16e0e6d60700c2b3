"""Live lessons (直播党课, issue 13): scheduling, stream keys, the media server's callbacks."""
