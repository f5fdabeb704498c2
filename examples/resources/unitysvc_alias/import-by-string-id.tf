# By name (when one live alias has it), or by UUID.
import {
  to = unitysvc_alias.fast
  id = "fast"
}
