package api

func (a *API) routeBroadcasts() {}
