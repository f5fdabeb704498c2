package api

func (a *API) routeRecurrentRequests() {}
