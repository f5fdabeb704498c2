package api

func (a *API) routeCollections() {}
