# A provider-free module: nothing to download, so `terraform init` works offline. Its outputs are
# its whole state, which is enough to see plan, apply, no-change and destroy.
variable "name" {
  type = string
}

variable "size" {
  type    = number
  default = 1
}

# A credential, as a real module's provider would take one: it comes from a Secret through the
# pipeline container's env.valueFrom (TF_VAR_api_token) and never reaches an output.
variable "api_token" {
  type      = string
  sensitive = true
}

output "token_set" {
  value = nonsensitive(length(var.api_token) > 0)
}

output "id" {
  value = "${var.name}-${var.size}"
}

output "size" {
  value = var.size
}
