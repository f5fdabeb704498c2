# Added to recurrentrequest_named_every_10min.tf.
data "unitysvc_recurrent_request" "by_id" {
  id = unitysvc_recurrent_request.test.id
}
