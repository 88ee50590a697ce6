{% set source_relation = source('app', 'business_operations') %}

with

source as (

    select * from {{ source_relation }}

),

renamed as (

    select
        cast(id as {{ dbt.type_bigint() }}) as business_operation_id,
        cast(business_account_id as {{ dbt.type_bigint() }}) as business_account_id,
        cast(operator_user_id as {{ dbt.type_bigint() }}) as operator_user_id,
        cast(operation_type as {{ dbt.type_string() }}) as operation_type,
        {{ activity_metrics.to_utc_timestamp(source_relation, 'created_at') }}
            as created_at,
        {{ activity_metrics.source_loaded_at(source_relation, 'business_operations') }}
            as source_loaded_at
    from source

)

select * from renamed
