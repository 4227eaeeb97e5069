locals {
  name               = "${var.project}-${var.environment}"
  media_domain       = "${var.media_subdomain}.${var.domain_name}"
  app_port           = 8000
  availability_zones = length(var.availability_zones) > 0 ? var.availability_zones : ["${var.aws_region}a", "${var.aws_region}b"]
  tags = {
    Project     = var.project
    Environment = var.environment
    ManagedBy   = "terraform"
  }
}

module "logs" {
  source = "./modules/logs"

  name              = local.name
  retention_in_days = var.log_retention_days
  app_roles         = ["web", "asgi", "worker", "beat", "migrate"]
}

module "network" {
  source = "./modules/network"

  name               = local.name
  availability_zones = local.availability_zones
  vpc_cidr           = var.vpc_cidr
  single_nat_gateway = var.single_nat_gateway
  flow_log_group_arn = module.logs.flow_log_group_arn
}

module "dns" {
  source = "./modules/dns"

  domain_name  = var.domain_name
  alb_dns_name = module.alb.dns_name
  alb_zone_id  = module.alb.zone_id
}

module "alb" {
  source = "./modules/alb"

  name                = local.name
  vpc_id              = module.network.vpc_id
  vpc_cidr            = module.network.vpc_cidr
  public_subnet_ids   = module.network.public_subnet_ids
  certificate_arn     = module.dns.certificate_arn
  app_port            = local.app_port
  access_logs_bucket  = module.logs.access_logs_bucket
  waf_log_group_arn   = module.logs.waf_log_group_arn
  websocket_path_glob = "/ws/*"
}

module "secrets" {
  source = "./modules/secrets"

  name                    = local.name
  database_username       = module.database.username
  database_name           = module.database.database_name
  database_endpoint       = module.database.endpoint
  database_proxy_endpoint = module.database.proxy_endpoint
  redis_endpoint          = module.cache.primary_endpoint
  redis_port              = module.cache.port
}

module "database" {
  source = "./modules/database"

  name                      = local.name
  vpc_id                    = module.network.vpc_id
  private_subnet_ids        = module.network.private_subnet_ids
  client_security_group_ids = [module.ecs.security_group_id]
  engine_version            = var.db_engine_version
  instance_class            = var.db_instance_class
  allocated_storage         = var.db_allocated_storage
  max_allocated_storage     = var.db_max_allocated_storage
  multi_az                  = var.db_multi_az
  backup_retention_days     = var.db_backup_retention_days
  master_password           = module.secrets.database_password
  credentials_secret_arn    = module.secrets.database_credentials_secret_arn
  secrets_kms_key_arn       = module.secrets.kms_key_arn
}

module "cache" {
  source = "./modules/cache"

  name                      = local.name
  vpc_id                    = module.network.vpc_id
  private_subnet_ids        = module.network.private_subnet_ids
  client_security_group_ids = [module.ecs.security_group_id]
  node_type                 = var.cache_node_type
  num_nodes                 = var.cache_num_nodes
  auth_token                = module.secrets.redis_auth_token
  slow_log_group_name       = module.logs.redis_log_group_name
}

module "storage" {
  source = "./modules/storage"
  providers = {
    aws           = aws
    aws.us_east_1 = aws.us_east_1
  }

  name               = local.name
  media_domain       = local.media_domain
  zone_id            = module.dns.zone_id
  access_logs_bucket = module.logs.access_logs_bucket
}

module "email" {
  source = "./modules/email"

  domain_name = var.domain_name
  zone_id     = module.dns.zone_id
}

module "ecs" {
  source = "./modules/ecs"

  name                  = local.name
  aws_region            = var.aws_region
  vpc_id                = module.network.vpc_id
  vpc_cidr              = module.network.vpc_cidr
  private_subnet_ids    = module.network.private_subnet_ids
  app_port              = local.app_port
  image_tag             = var.image_tag
  services              = var.services
  migrate_cpu           = var.migrate_cpu
  migrate_memory        = var.migrate_memory
  alb_security_group_id = module.alb.security_group_id
  alb_arn_suffix        = module.alb.arn_suffix
  target_groups = {
    web  = module.alb.web_target_group
    asgi = module.alb.asgi_target_group
  }
  cpu_target_percent  = var.cpu_target_percent
  requests_per_target = var.requests_per_target
  log_group_names     = module.logs.app_log_group_names
  exec_log_group_name = module.logs.exec_log_group_name
  logs_kms_key_arn    = module.logs.kms_key_arn
  secrets_kms_key_arn = module.secrets.kms_key_arn
  app_secret_arns     = module.secrets.app_secret_arns
  migrate_secret_arns = module.secrets.migrate_secret_arns
  media_bucket_arn    = module.storage.bucket_arn
  media_kms_key_arn   = module.storage.kms_key_arn
  ses_identity_arn    = module.email.identity_arn
  environment = {
    DJANGO_SETTINGS_MODULE  = "config.settings.production"
    BASE_DOMAIN             = var.domain_name
    AWS_STORAGE_BUCKET_NAME = module.storage.bucket_name
    AWS_S3_REGION_NAME      = var.aws_region
    AWS_S3_CUSTOM_DOMAIN    = module.storage.cdn_domain
    AWS_SES_REGION_NAME     = var.aws_region
    DEFAULT_FROM_EMAIL      = var.default_from_email != "" ? var.default_from_email : "no-reply@${var.domain_name}"
  }
}
