# A provider-free module: nothing to download, so `terraform init` works offline. Its outputs are
# its whole state, which is enough to see plan, apply, no-change and destroy.
variable "name" {
  type = string
}

variable "size" {
  type    = number
  default = 1
}

output "id" {
  value = "${var.name}-${var.size}"
}

output "size" {
  value = var.size
}
