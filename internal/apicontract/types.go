package apicontract

import verrors "github.com/pb33f/libopenapi-validator/errors"

type validatorError = verrors.ValidationError
